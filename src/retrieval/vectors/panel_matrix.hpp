// PanelMatrix: the f32 rows of the exact store kept in the layout its kernels read (internal).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "kernels.hpp"

namespace braid::retrieval::detail {

/// Rows of `dimension` floats grouped in panels of panel_rows rows, stored value by value: line k of
/// panel p holds value k of rows panel_rows·p … panel_rows·p + 15, one cache-aligned 64-byte line. The
/// scans then read memory front to back and never pack rows per search; a row is read back (get by id,
/// save) by gathering its column. Rows past the last one written are zeros.
class PanelMatrix {
public:
    explicit PanelMatrix(std::size_t dimension = 0) : d_(dimension) {}

    std::size_t dimension() const noexcept { return d_; }
    /// Rows the panels have room for (a multiple of panel_rows).
    std::size_t capacity() const noexcept { return panel_count() * panel_rows; }
    std::size_t panel_count() const noexcept { return d_ == 0 ? 0 : lines_.size() / d_; }
    /// Panel @p p, panel_rows × dimension floats.
    const float* panel(std::size_t p) const noexcept { return lines_[p * d_].values; }

    /// Makes room for at least @p rows rows (new rows are zeros).
    void reserve_rows(std::size_t rows) {
        const std::size_t panels = (rows + panel_rows - 1) / panel_rows;
        if (panels > panel_count()) lines_.resize(panels * d_);
    }
    /// Overwrites row @p row (within capacity) with @p values (dimension floats).
    void set_row(std::size_t row, std::span<const float> values) noexcept {
        Line* base = &lines_[(row / panel_rows) * d_];
        for (std::size_t k = 0; k < d_; ++k) base[k].values[row % panel_rows] = values[k];
    }
    /// Row @p row as a vector.
    std::vector<float> row(std::size_t row) const {
        std::vector<float> out(d_);
        const Line* base = &lines_[(row / panel_rows) * d_];
        for (std::size_t k = 0; k < d_; ++k) out[k] = base[k].values[row % panel_rows];
        return out;
    }

private:
    struct alignas(64) Line {
        float values[panel_rows]{};
    };
    static_assert(sizeof(Line) == panel_rows * sizeof(float), "a line is exactly one value of each row of a panel");
    std::size_t d_;
    std::vector<Line> lines_;
};

} // namespace braid::retrieval::detail
