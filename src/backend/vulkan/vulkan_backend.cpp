// The Vulkan backend: weights uploaded once (copied straight into mapped memory on unified-memory
// devices such as lavapipe and integrated GPUs, through a staging buffer elsewhere), KV cache and
// activations resident, and each batch shape recorded once into a command buffer — one dispatch per
// graph node, a barrier only where a node touches memory an earlier one wrote (or is still reading) —
// then replayed for every pass of that shape: one submit and one wait per token. What changes from pass
// to pass (tokens, positions, cache cells, n_kv, RoPE angles) lives in a small host-visible buffer the
// kernels read. Contexts share the device: each waits only for its own work (its fence), and submits
// through Device::submit, which holds the queue's lock.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "backend/backend.hpp"
#include "backend/cpu/ops.hpp"
#include "backend/vulkan/device.hpp"
#include "backend/vulkan/device_layout.hpp"
#include "backend/vulkan/memory.hpp"
#include "backend/vulkan/pipelines.hpp"
#include "braid/engine/quant.hpp"
#include "braid/error.hpp"
#include "engine/model/model_impl.hpp"
#include "base/environment.hpp"

namespace braid::engine {

namespace vk {

namespace {

constexpr VkDeviceSize tensor_alignment = 256;
// On GPUs, up to this many tokens a matmul is a matrix-vector product per row; beyond it, a tiled product.
constexpr std::int64_t matvec_max_tokens = 8;
// The tile of shaders/matmul.comp: rows per lane and tokens per subgroup (matmul1_*: one token).
constexpr std::uint64_t matmul_rows_per_lane = 8, matmul_tokens = 8;
constexpr std::uint32_t header_ints = 16;
// The most workgroups of one dispatch dimension every device takes (maxComputeWorkGroupCount's minimum).
constexpr std::uint32_t groups_limit = 65535;
// From this many tokens, attention on GPUs walks the cache in tiles shared by a workgroup's 64 queries.
constexpr std::int64_t attention_tile_min_tokens = 16;
// Recorded passes kept per context: the batch shapes of a generation (the prompt's chunks, its last
// chunk, one token) and a few more; each holds a command buffer and a descriptor set per dispatch.
constexpr std::size_t recorded_limit = 8;

std::string type_suffix(TensorType t) { return std::string(tensor_type_name(t)); }

std::uint32_t u32(std::int64_t v) { return static_cast<std::uint32_t>(v); }

struct Bind {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceSize offset = 0;
    VkDeviceSize range = 0;
};

struct PushConstants {
    std::uint32_t words[push_constant_bytes / 4] = {};
    std::uint32_t count = 0;
    PushConstants& u(std::uint32_t v) {
        words[count++] = v;
        return *this;
    }
    PushConstants& f(float v) {
        std::memcpy(&words[count++], &v, 4);
        return *this;
    }
};

struct Recorded {
    std::vector<std::uint64_t> signature; // Graph::signature() of the graph it runs
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    std::size_t dispatches = 0, barriers = 0;
    std::size_t output_bytes = 0;
    int rope_dims = 0;          // the graph's RoPE (every layer uses the same)
    float rope_base = 10000.0f;
    VkQueryPool timestamps = VK_NULL_HANDLE; // BRAID_VK_PROFILE: two per dispatch
    std::vector<std::string> names;          // the pipeline of each dispatch
};

class VulkanBackend final : public Backend {
public:
    VulkanBackend(const Model::Impl& model, const BackendConfig& config)
        : model_(model), config_(config), device_(Device::shared(config.vk_validation)), pipelines_(Pipelines::of(device_)),
          allocator_(std::make_unique<Allocator>(device_)), command_pool_(make_command_pool(*device_, device_->queue_family())),
          fence_(make_fence(*device_)) {
        choose_kernels();
        try {
            dummy_ = allocator_->allocate(Pool::device, 256, "a placeholder buffer");
            upload_weights();
            const ModelInfo& info = model.info;
            kv_row_ = info.n_head_kv * info.head_dim;
            const VkDeviceSize elem = config.kv_f16 ? 2 : 4;
            for (std::int64_t l = 0; l < info.n_layer; ++l) {
                const VkDeviceSize bytes = static_cast<VkDeviceSize>(config.n_ctx * kv_row_) * elem;
                k_cache_.push_back(allocator_->allocate(Pool::device, bytes, "the KV cache (keys of layer " + std::to_string(l) + ")"));
                v_cache_.push_back(allocator_->allocate(Pool::device, bytes, "the KV cache (values of layer " + std::to_string(l) + ")"));
            }
            // The per-pass inputs at their largest: header, 5 ints per token, outputs, 4 per cell (position,
            // two mask words, position order), pooled, and the RoPE table.
            const std::int64_t T = config.max_tokens;
            inputs_ints_ = header_ints + 7 * T + 4 * config.n_ctx + T * std::max<std::int64_t>({info.n_rot, info.head_dim, 2});
            inputs_ = allocator_->allocate(Pool::host, static_cast<VkDeviceSize>(inputs_ints_) * 4, "the per-pass inputs");
            const std::int64_t out_width = std::max(info.n_vocab, info.n_embd);
            readback_ = allocator_->allocate(Pool::host, static_cast<VkDeviceSize>(out_width * T) * 4, "the output buffer");
        } catch (...) {
            release();
            throw;
        }
    }

    ~VulkanBackend() override {
        print_profile();
        release();
    }

    std::string device_name() const override { return "vulkan: " + device_->name(); }

    // The kernel family (BackendConfig::vk_kernels, else BRAID_VK_KERNELS, else by device): GPUs with
    // subgroup arithmetic reduce with it; devices without take the portable kernels; CPU implementations
    // use tiled products even for one token (see the matmul case of encode()).
    void choose_kernels() {
        VkKernels k = config_.vk_kernels;
        if (k == VkKernels::automatic) {
            if (const std::string& v = environment().vk_kernels; !v.empty()) {
                if (v == "subgroup")
                    k = VkKernels::subgroup;
                else if (v == "portable")
                    k = VkKernels::portable;
                else if (v != "automatic")
                    throw Error(errc::invalid_argument, "BRAID_VK_KERNELS='" + v + "': expected automatic, subgroup or portable");
            }
        }
        const bool arithmetic = device_->features().subgroup_arithmetic;
        if (k == VkKernels::subgroup && !arithmetic)
            throw Error(errc::unsupported, "Vulkan: the subgroup kernels were asked for, but " + device_->name() +
                                               " has no subgroup arithmetic in compute shaders");
        subgroup_reductions_ = arithmetic && k != VkKernels::portable;
        // Tiles in shared memory pay off where barriers are cheap: GPUs (the subgroup family forces them
        // on any device, so the tests run them on lavapipe too).
        kv_tiles_ = k == VkKernels::subgroup || !device_->is_cpu();
        matvec_kernels_ = k == VkKernels::subgroup || (k == VkKernels::automatic && arithmetic && !device_->is_cpu());
    }

    void compute(const Graph& graph, const BatchInputs& in, std::span<float> out, const RunControl& control) override {
        control.check("decode"); // a submitted graph runs to its end: stop before it (and before recording it)
        Recorded& rec = recorded_for(graph);
        write_inputs(in, rec);
        VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
        si.commandBufferCount = 1;
        si.pCommandBuffers = &rec.cmd;
        // The first pass after uploads through a separate transfer queue waits for them on the device.
        const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
        if (uploaded_pending_) {
            si.waitSemaphoreCount = 1;
            si.pWaitSemaphores = uploaded_.address();
            si.pWaitDstStageMask = &wait_stage;
        }
        submit(Queue::compute, si);
        uploaded_pending_ = false;
        wait_for_own_work();
        if (out.size() * sizeof(float) < rec.output_bytes)
            throw Error(errc::internal, "vulkan backend: output buffer too small");
        if (rec.output_bytes > 0) // a chunk of a long prompt may have no output rows
            std::memcpy(out.data(), readback_.mapped, rec.output_bytes);
        if (rec.timestamps)
            collect_profile(rec);
    }

    // BRAID_VK_PROFILE=1: device time per pipeline, printed when the backend goes away.
    void collect_profile(const Recorded& rec) {
        std::vector<std::uint64_t> ticks(2 * rec.names.size());
        if (ticks.empty() ||
            device_->fn().vkGetQueryPoolResults(device_->device(), rec.timestamps, 0, static_cast<std::uint32_t>(ticks.size()),
                                                ticks.size() * 8, ticks.data(), 8, VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) != VK_SUCCESS)
            return;
        const double ns = device_->properties().limits.timestampPeriod;
        for (std::size_t i = 0; i < rec.names.size(); ++i) {
            auto& [total, count] = profile_[rec.names[i]];
            total += static_cast<double>(ticks[2 * i + 1] - ticks[2 * i]) * ns * 1e-6;
            ++count;
        }
    }

    void print_profile() const {
        if (profile_.empty())
            return;
        std::vector<std::pair<double, std::string>> order;
        double sum = 0;
        for (const auto& [name, tc] : profile_) {
            order.emplace_back(tc.first, name);
            sum += tc.first;
        }
        std::sort(order.rbegin(), order.rend());
        std::string report = "vulkan profile (device ms, " + device_->name() + "):";
        for (const auto& [ms, name] : order) {
            char line[128];
            std::snprintf(line, sizeof line, "\n  %-22s %9.2f ms %5.1f%%  %zu dispatches", name.c_str(), ms, 100.0 * ms / sum,
                          profile_.at(name).second);
            report += line;
        }
        log(LogLevel::info, "vulkan", report);
    }

    // Sequences saved and restored (Context::save_sequence): the rows go through a host-visible staging
    // buffer by transfer commands on the compute queue, one layer at a time, with barriers against the
    // passes before and after — the same path on unified memory and on discrete GPUs.
    void read_kv(std::span<const std::int32_t> cells, std::span<std::byte> out) override {
        transfer_kv(cells, out.size(), false, [&](std::byte* staging, std::size_t at, std::size_t bytes) {
            std::memcpy(out.data() + at, staging, bytes);
        });
    }

    void write_kv(std::span<const std::int32_t> cells, std::span<const std::byte> data) override {
        transfer_kv(cells, data.size(), true, [&](std::byte* staging, std::size_t at, std::size_t bytes) {
            std::memcpy(staging, data.data() + at, bytes);
        });
    }

private:
    // Moves the rows of @p cells between the cache and the caller, layer by layer through a staging
    // buffer: @p host(staging, offset in the read_kv layout, bytes) fills it before the copy (@p to_cache)
    // or empties it after.
    template <class Host>
    void transfer_kv(std::span<const std::int32_t> cells, std::size_t bytes, bool to_cache, Host host) {
        const std::size_t row = kv_row_bytes(model_.info, config_.kv_f16);
        const std::size_t layer_bytes = 2 * cells.size() * row;
        if (bytes != k_cache_.size() * layer_bytes)
            throw Error(errc::internal, "vulkan backend: KV transfer of " + std::to_string(bytes) + " bytes for " +
                                            std::to_string(cells.size()) + " cells");
        if (cells.empty())
            return;
        // Runs of consecutive cells become one copy region each.
        std::vector<VkBufferCopy> runs; // srcOffset: index in cells; dstOffset: first cell; size: count
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::int32_t c = cells[i];
            if (c < 0 || c >= config_.n_ctx)
                throw Error(errc::internal, "vulkan backend: KV cell " + std::to_string(c) + " out of range");
            if (!runs.empty() && static_cast<VkDeviceSize>(c) == runs.back().dstOffset + runs.back().size)
                ++runs.back().size;
            else
                runs.push_back({i, static_cast<VkDeviceSize>(c), 1});
        }
        const Functions& f = device_->fn();
        Allocation staging = allocator_->allocate(Pool::host, layer_bytes, "the KV cache transfer buffer");
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        struct Cleanup {
            VulkanBackend& self;
            Allocation& staging;
            VkCommandBuffer& cmd;
            ~Cleanup() {
                try {
                    self.wait_for_own_work();
                } catch (...) {
                }
                if (cmd)
                    self.device_->fn().vkFreeCommandBuffers(self.device_->device(), self.command_pool_.get(), 1, &cmd);
                self.allocator_->free(staging);
            }
        } cleanup{*this, staging, cmd};
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = command_pool_.get();
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        check(f.vkAllocateCommandBuffers(device_->device(), &ai, &cmd), "vkAllocateCommandBuffers");
        for (std::size_t l = 0; l < k_cache_.size(); ++l) {
            const std::size_t at = l * layer_bytes;
            if (to_cache)
                host(staging.mapped, at, layer_bytes);
            std::vector<VkBufferCopy> regions[2];
            for (int kv = 0; kv < 2; ++kv)
                for (const VkBufferCopy& run : runs) {
                    const VkDeviceSize cache = (kv == 0 ? k_cache_ : v_cache_)[l].offset + run.dstOffset * row;
                    const VkDeviceSize stage = staging.offset + (static_cast<VkDeviceSize>(kv) * cells.size() + run.srcOffset) * row;
                    const VkDeviceSize size = run.size * row;
                    regions[kv].push_back(to_cache ? VkBufferCopy{stage, cache, size} : VkBufferCopy{cache, stage, size});
                }
            check(f.vkResetCommandBuffer(cmd, 0), "vkResetCommandBuffer");
            VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
            bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
            check(f.vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
            VkMemoryBarrier before{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
            before.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT; // earlier reads need only the execution dependency
            before.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
            f.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &before, 0, nullptr, 0,
                                   nullptr);
            for (int kv = 0; kv < 2; ++kv) {
                const VkBuffer cache = (kv == 0 ? k_cache_ : v_cache_)[l].buffer;
                f.vkCmdCopyBuffer(cmd, to_cache ? staging.buffer : cache, to_cache ? cache : staging.buffer,
                                  static_cast<std::uint32_t>(regions[kv].size()), regions[kv].data());
            }
            VkMemoryBarrier after{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
            after.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
            after.dstAccessMask = to_cache ? VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT : VK_ACCESS_HOST_READ_BIT;
            f.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT,
                                   to_cache ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT : VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &after, 0, nullptr, 0,
                                   nullptr);
            check(f.vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
            VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
            si.commandBufferCount = 1;
            si.pCommandBuffers = &cmd;
            const VkPipelineStageFlags wait_stage = VK_PIPELINE_STAGE_TRANSFER_BIT;
            if (uploaded_pending_) {
                si.waitSemaphoreCount = 1;
                si.pWaitSemaphores = uploaded_.address();
                si.pWaitDstStageMask = &wait_stage;
            }
            submit(Queue::compute, si);
            uploaded_pending_ = false;
            wait_for_own_work();
            if (!to_cache)
                host(staging.mapped, at, layer_bytes);
        }
    }

    // Submits @p si with this backend's fence; wait_for_own_work() waits for it.
    void submit(Queue queue, const VkSubmitInfo& si) {
        device_->submit(queue, si, fence_.get());
        submitted_ = true;
    }

    // Waits for this backend's last submit unless that was done: not vkDeviceWaitIdle, which would also
    // wait for the other contexts on the shared device and needs every queue locked.
    void wait_for_own_work() {
        if (!submitted_)
            return;
        const Functions& f = device_->fn();
        check(f.vkWaitForFences(device_->device(), 1, fence_.address(), VK_TRUE, UINT64_MAX), "vkWaitForFences");
        check(f.vkResetFences(device_->device(), 1, fence_.address()), "vkResetFences");
        submitted_ = false;
    }

    // Frees what the backend holds (the command pool, fence and semaphore go with their members).
    void release() noexcept {
        try {
            wait_for_own_work();
        } catch (...) {
            // The device is lost: nothing of ours runs any more.
        }
        drop_recorded();
        for (Allocation& a : weights_)
            allocator_->free(a);
        for (Allocation& a : vectors_)
            allocator_->free(a);
        for (Allocation& a : k_cache_)
            allocator_->free(a);
        for (Allocation& a : v_cache_)
            allocator_->free(a);
        allocator_->free(arena_);
        allocator_->free(inputs_);
        allocator_->free(readback_);
        allocator_->free(dummy_);
    }

    void drop_recorded() noexcept {
        for (Recorded& rec : recorded_)
            drop(rec);
        recorded_.clear();
    }

    void drop(Recorded& rec) noexcept {
        const Functions& f = device_->fn();
        if (rec.timestamps)
            f.vkDestroyQueryPool(device_->device(), rec.timestamps, nullptr);
        if (rec.cmd)
            f.vkFreeCommandBuffers(device_->device(), command_pool_.get(), 1, &rec.cmd);
        if (rec.pool)
            f.vkDestroyDescriptorPool(device_->device(), rec.pool, nullptr);
        rec = Recorded{};
    }

    // ---- weights ---------------------------------------------------------------------------------

    // Weights go straight into mapped memory where device memory is host-visible; elsewhere (or with
    // BackendConfig::vk_staging) through a staging buffer, piece by piece, on the transfer queue — a
    // separate DMA queue where the device has one, whose last copy signals a semaphore the first pass
    // waits for (buffers are shared by both queue families, see Allocator).
    void upload_weights() {
        const Functions& f = device_->fn();
        weights_.resize(model_.weights.size());
        Allocation staging;
        CommandPool pool; // its command buffer goes with it
        VkCommandBuffer cmd = VK_NULL_HANDLE;
        const bool staged = !allocator_->unified() || config_.vk_staging;
        const VkDeviceSize piece = static_cast<VkDeviceSize>(std::max<std::int64_t>(config_.vk_staging_mib, 1)) << 20;
        struct FreeStaging {
            Allocator& allocator;
            Allocation& staging;
            ~FreeStaging() { allocator.free(staging); }
        } free_staging{*allocator_, staging};
        if (staged) {
            pool = make_command_pool(*device_, device_->transfer_family());
            VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
            ai.commandPool = pool.get();
            ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
            ai.commandBufferCount = 1;
            check(f.vkAllocateCommandBuffers(device_->device(), &ai, &cmd), "vkAllocateCommandBuffers");
            if (device_->separate_transfer())
                uploaded_ = make_semaphore(*device_);
        }
        // Copies queued in the staging buffer, submitted when it is full and at the end.
        std::vector<VkBufferCopy> regions;
        VkBuffer regions_dst = VK_NULL_HANDLE;
        VkDeviceSize staged_bytes = 0;
        auto flush = [&](bool last) {
            if (regions.empty() && !last)
                return;
            VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
            bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
            check(f.vkBeginCommandBuffer(cmd, &bi), "vkBeginCommandBuffer");
            if (!regions.empty())
                f.vkCmdCopyBuffer(cmd, staging.buffer, regions_dst, static_cast<std::uint32_t>(regions.size()), regions.data());
            if (last && !uploaded_) { // the compute queue itself: the copies before every later shader read
                VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
                mb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
                mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
                f.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb, 0, nullptr, 0,
                                       nullptr);
            }
            check(f.vkEndCommandBuffer(cmd), "vkEndCommandBuffer");
            VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
            si.commandBufferCount = 1;
            si.pCommandBuffers = &cmd;
            if (last && uploaded_) {
                si.signalSemaphoreCount = 1;
                si.pSignalSemaphores = uploaded_.address();
                uploaded_pending_ = true;
            }
            submit(Queue::transfer, si);
            wait_for_own_work();
            regions.clear();
            staged_bytes = 0;
        };
        auto upload = [&](Allocation& dst, const std::byte* src, VkDeviceSize bytes) {
            if (!staged) {
                std::memcpy(dst.mapped, src, bytes);
                return;
            }
            if (!staging)
                staging = allocator_->allocate(Pool::host, piece, "the upload staging buffer");
            for (VkDeviceSize done = 0; done < bytes;) {
                // One copy command per destination buffer: flush when it changes or the buffer is full.
                if (staged_bytes == piece || (regions_dst != dst.buffer && !regions.empty()))
                    flush(false);
                const VkDeviceSize part = std::min(bytes - done, piece - staged_bytes);
                std::memcpy(staging.mapped + staged_bytes, src + done, part);
                regions.push_back({staging.offset + staged_bytes, dst.offset + done, part});
                regions_dst = dst.buffer;
                staged_bytes = (staged_bytes + part + 15) / 16 * 16; // keep copy offsets aligned
                staged_bytes = std::min(staged_bytes, piece);
                done += part;
            }
        };
        vectors_.resize(model_.weights.size());
        layouts_.resize(model_.weights.size());
        std::vector<float> floats;
        for (std::size_t i = 0; i < model_.weights.size(); ++i) {
            const Weight& w = model_.weights[static_cast<int>(i)];
            // In the device layout (16-byte aligned pieces, see shaders/quants.glsl), +16 bytes so a
            // kernel's last 16-byte load stays inside.
            layouts_[i] = device_layout(w.type, w.ne0, w.ne1);
            weights_[i] = allocator_->allocate(Pool::device, layouts_[i].bytes + 16, "weight " + w.name);
            if (layouts_[i].bytes == w.bytes && (w.type == TensorType::F32 || w.type == TensorType::F16 || w.type == TensorType::BF16)) {
                upload(weights_[i], w.data, w.bytes);
            } else {
                std::vector<std::byte> converted(layouts_[i].bytes);
                to_device_layout(w.type, w.ne0, w.ne1, w.data, converted.data());
                upload(weights_[i], converted.data(), converted.size());
            }
            if (w.ne1 == 1) { // a vector (norm weight, bias): also as floats
                floats.resize(static_cast<std::size_t>(w.ne0));
                dequantize_row(w.type, w.data, floats.data(), w.ne0);
                vectors_[i] = allocator_->allocate(Pool::device, static_cast<VkDeviceSize>(w.ne0) * 4, "weight " + w.name);
                upload(vectors_[i], reinterpret_cast<const std::byte*>(floats.data()), static_cast<VkDeviceSize>(w.ne0) * 4);
            }
        }
        if (staged)
            flush(true);
    }

    // ---- per-pass inputs -------------------------------------------------------------------------

    void write_inputs(const BatchInputs& in, const Recorded& rec) {
        auto* p = reinterpret_cast<std::int32_t*>(inputs_.mapped);
        const std::int32_t T = static_cast<std::int32_t>(in.tokens.size());
        const std::int32_t n_kv = static_cast<std::int32_t>(in.cells.size());
        const std::int32_t n_rot = std::max(rec.rope_dims, 2);
        std::int32_t at = header_ints;
        auto array = [&](std::int32_t count) {
            const std::int32_t start = at;
            at += count;
            if (at > inputs_ints_)
                throw Error(errc::internal, "vulkan backend: per-pass inputs too large");
            return start;
        };
        p[0] = T;
        p[1] = n_kv;
        p[2] = static_cast<std::int32_t>(in.outputs.size());
        p[3] = static_cast<std::int32_t>(in.pooled.size());
        p[4] = array(T);
        p[5] = array(T);
        p[6] = array(T);
        p[7] = array(T);
        p[8] = array(std::max<std::int32_t>(static_cast<std::int32_t>(in.outputs.size()), 1));
        p[9] = array(std::max(n_kv, 1));
        p[10] = array(std::max(n_kv, 1));
        p[11] = array(std::max(n_kv, 1));
        p[12] = array(std::max<std::int32_t>(static_cast<std::int32_t>(in.pooled.size()), 1));
        p[13] = array(T * n_rot);
        p[14] = n_rot;
        p[15] = array(std::max(n_kv, 1));
        for (std::int32_t t = 0; t < T; ++t) {
            p[p[4] + t] = in.tokens[static_cast<std::size_t>(t)];
            p[p[5] + t] = in.positions[static_cast<std::size_t>(t)];
            p[p[6] + t] = in.seqs[static_cast<std::size_t>(t)];
            p[p[7] + t] = in.kv_slots[static_cast<std::size_t>(t)];
            if (rec.rope_dims > 0) // the same angles as the CPU backend, bit for bit
                cpu::rope_table(in.positions[static_cast<std::size_t>(t)], rec.rope_dims, rec.rope_base,
                                reinterpret_cast<float*>(p + p[13] + t * n_rot));
        }
        for (std::size_t i = 0; i < in.outputs.size(); ++i)
            p[p[8] + static_cast<std::int32_t>(i)] = in.outputs[i];
        for (std::int32_t c = 0; c < n_kv; ++c) {
            const KvCell& cell = in.cells[static_cast<std::size_t>(c)];
            p[p[9] + c] = cell.pos;
            p[p[10] + c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(cell.seqs));
            p[p[11] + c] = static_cast<std::int32_t>(static_cast<std::uint32_t>(cell.seqs >> 32));
        }
        for (std::size_t j = 0; j < in.pooled.size(); ++j)
            p[p[12] + static_cast<std::int32_t>(j)] = in.pooled[j];
        // Attention's visiting order (shaders/attention.comp): by position; a sequence never holds two
        // cells of one position, so ties (other sequences, empty cells) cannot reorder its own cells.
        std::int32_t* order = p + p[15];
        std::iota(order, order + n_kv, 0);
        std::stable_sort(order, order + n_kv, [&](std::int32_t a, std::int32_t b) {
            return in.cells[static_cast<std::size_t>(a)].pos < in.cells[static_cast<std::size_t>(b)].pos;
        });
    }

    // ---- recording -------------------------------------------------------------------------------

    // The pass recorded for @p g's structure (recorded now if there is none), made the most recently used.
    Recorded& recorded_for(const Graph& g) {
        std::vector<std::uint64_t> signature = g.signature();
        const auto hit = std::find_if(recorded_.begin(), recorded_.end(), [&](const Recorded& r) { return r.signature == signature; });
        if (hit != recorded_.end()) {
            recorded_.splice(recorded_.begin(), recorded_, hit);
            return recorded_.front();
        }
        // Activations: one arena, memory reused between tensors not alive at once (a fused feed-forward
        // input stays alive until the fused dispatch, which takes the SwiGLU node's place).
        const std::vector<Fusion> fusions = plan_fusions(g);
        std::vector<int> last = g.last_uses();
        for (const Fusion& fu : fusions)
            if (fu.swiglu >= 0)
                last[static_cast<std::size_t>(fu.x)] = std::max(last[static_cast<std::size_t>(fu.x)], fu.swiglu);
        std::vector<std::size_t> offsets;
        const std::size_t arena_bytes = g.plan_memory(offsets, tensor_alignment, [](const GraphTensor& t) {
            return std::max<std::size_t>(static_cast<std::size_t>(t.ne0 * t.ne1) * sizeof(float), 16);
        }, last);
        if (!arena_ || arena_.size < arena_bytes + tensor_alignment) {
            // Recorded passes refer to the old arena: drop them all.
            wait_for_own_work();
            drop_recorded();
            allocator_->free(arena_);
            arena_ = allocator_->allocate(Pool::device, std::max<std::size_t>(arena_bytes + tensor_alignment, arena_floor_),
                                          "activations of a " + std::to_string(g.shape().n_tokens) + "-token batch");
        }
        if (recorded_.size() >= recorded_limit) { // the least recently used goes
            wait_for_own_work();
            drop(recorded_.back());
            recorded_.pop_back();
        }
        Recorded rec;
        rec.signature = std::move(signature);
        try {
            record(g, offsets, fusions, rec);
        } catch (...) {
            drop(rec); // a pass recorded halfway is never kept
            throw;
        }
        recorded_.push_front(std::move(rec));
        return recorded_.front();
    }

    Bind tensor_bind(const Graph& g, const std::vector<std::size_t>& offsets, int id, bool as_vector = false) const {
        if (id < 0)
            return {dummy_.buffer, dummy_.offset, 16};
        const GraphTensor& t = g.tensor(id);
        if (t.is_weight) {
            const Allocation& a = (as_vector ? vectors_ : weights_)[static_cast<std::size_t>(t.weight)];
            if (!a)
                throw Error(errc::internal, "vulkan backend: " + model_.weights[t.weight].name + " is not a vector");
            return {a.buffer, a.offset, a.size};
        }
        return {arena_.buffer, arena_.offset + offsets[static_cast<std::size_t>(id)],
                std::max<VkDeviceSize>(static_cast<VkDeviceSize>(t.ne0 * t.ne1) * 4, 16)};
    }

    static Bind alloc_bind(const Allocation& a) { return {a.buffer, a.offset, a.size}; }

    // Workgroups worth dispatching for kernels that loop: a CPU implementation (lavapipe) pays per
    // workgroup and runs a few threads, a GPU wants many.
    std::uint32_t max_groups() const { return device_->is_cpu() ? 16u : 65535u; }

    // Invocations per workgroup of matmul.comp (its specialization constant 0): 64, or one subgroup where
    // subgroups are wider. (On lavapipe, 8, 16 and 64 measured the same for token generation.)
    std::uint32_t matmul_workgroup() const { return std::max<std::uint32_t>(64, device_->features().subgroup_size); }

    // Kernels with one subgroup per row run 64 invocations per workgroup.
    std::uint32_t rows_per_group() const {
        return std::max<std::uint32_t>(1, 64 / std::max<std::uint32_t>(1, device_->features().subgroup_size));
    }

    // gate = W_gate · x, up = W_up · x, swiglu(gate, up), where gate and up feed nothing else: one
    // dispatch (matmul.comp / matvec.comp with SWIGLU) reads x once and writes the SwiGLU output, instead
    // of three dispatches, two barriers and the round trip of gate and up through memory. Indexed by
    // node: at the SwiGLU node, the fusion it completes; at the two matmuls, swiglu = -1 (skipped).
    struct Fusion {
        int swiglu = -1, gate = -1, up = -1, x = -1;
    };
    std::vector<Fusion> plan_fusions(const Graph& g) const {
        const auto& nodes = g.nodes();
        std::vector<Fusion> out(nodes.size());
        if (environment().vk_no_fusion)
            return out; // for measuring what fusion gains
        std::vector<int> producer(g.tensors().size(), -1), uses(g.tensors().size(), 0);
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i].out >= 0)
                producer[static_cast<std::size_t>(nodes[i].out)] = static_cast<int>(i);
            for (int src : nodes[i].src)
                if (src >= 0)
                    ++uses[static_cast<std::size_t>(src)];
        }
        const VkDeviceSize max_range = device_->properties().limits.maxStorageBufferRange;
        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Node& s = nodes[i];
            if (s.op != Op::swiglu || s.src[0] < 0 || s.src[1] < 0)
                continue;
            const int gi = producer[static_cast<std::size_t>(s.src[0])], ui = producer[static_cast<std::size_t>(s.src[1])];
            if (gi < 0 || ui < 0 || g.output() == s.src[0] || g.output() == s.src[1])
                continue;
            const Node &gn = nodes[static_cast<std::size_t>(gi)], &un = nodes[static_cast<std::size_t>(ui)];
            if (gn.op != Op::matmul || un.op != Op::matmul || gn.src[1] != un.src[1] || gn.src[2] >= 0 || gn.src[3] >= 0 ||
                un.src[2] >= 0 || un.src[3] >= 0 || uses[static_cast<std::size_t>(s.src[0])] != 1 || uses[static_cast<std::size_t>(s.src[1])] != 1)
                continue;
            const int gw = g.tensor(gn.src[0]).weight, uw = g.tensor(un.src[0]).weight;
            const Weight &wg = model_.weights[gw], &wu = model_.weights[uw];
            const Allocation &ag = weights_[static_cast<std::size_t>(gw)], &au = weights_[static_cast<std::size_t>(uw)];
            if (wg.type != wu.type || wg.ne0 != wu.ne0 || wg.ne1 != wu.ne1 || ag.buffer != au.buffer ||
                std::max(ag.offset + ag.size, au.offset + au.size) - std::min(ag.offset, au.offset) > max_range)
                continue;
            out[i] = {static_cast<int>(i), gi, ui, gn.src[1]};
            out[static_cast<std::size_t>(gi)] = {-1, gi, ui, gn.src[1]};
            out[static_cast<std::size_t>(ui)] = {-1, gi, ui, gn.src[1]};
        }
        return out;
    }

    void record(const Graph& g, const std::vector<std::size_t>& offsets, const std::vector<Fusion>& fusions, Recorded& rec) {
        const Functions& f = device_->fn();
        const auto& nodes = g.nodes();
        VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, static_cast<std::uint32_t>(nodes.size() * binding_count)};
        VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
        pi.maxSets = static_cast<std::uint32_t>(nodes.size());
        pi.poolSizeCount = 1;
        pi.pPoolSizes = &size;
        check(f.vkCreateDescriptorPool(device_->device(), &pi, nullptr, &rec.pool), "vkCreateDescriptorPool");
        VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
        ai.commandPool = command_pool_.get();
        ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
        ai.commandBufferCount = 1;
        check(f.vkAllocateCommandBuffers(device_->device(), &ai, &rec.cmd), "vkAllocateCommandBuffers");
        VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
        check(f.vkBeginCommandBuffer(rec.cmd, &bi), "vkBeginCommandBuffer");
        if (profiling_) {
            VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
            qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
            qi.queryCount = static_cast<std::uint32_t>(2 * nodes.size());
            check(f.vkCreateQueryPool(device_->device(), &qi, nullptr, &rec.timestamps), "vkCreateQueryPool");
            f.vkCmdResetQueryPool(rec.cmd, rec.timestamps, 0, qi.queryCount);
        }

        // Hazard tracking for barriers: byte ranges of the arena (and cache layers) touched since the last one.
        struct Range {
            VkDeviceSize begin, end;
        };
        std::vector<Range> reads, writes;
        auto overlaps = [](const std::vector<Range>& set, Range r) {
            return std::any_of(set.begin(), set.end(), [&](const Range& x) { return r.begin < x.end && x.begin < r.end; });
        };
        const VkDeviceSize kv_space = VkDeviceSize{1} << 62; // cache layers in a separate address range
        auto kv_range = [&](int layer) { return Range{kv_space + 2 * static_cast<VkDeviceSize>(layer), kv_space + 2 * static_cast<VkDeviceSize>(layer) + 1}; };
        auto range_of = [&](int id) {
            const GraphTensor& t = g.tensor(id);
            const VkDeviceSize b = offsets[static_cast<std::size_t>(id)];
            return Range{b, b + std::max<VkDeviceSize>(static_cast<VkDeviceSize>(t.ne0 * t.ne1) * 4, 16)};
        };

        for (std::size_t i = 0; i < nodes.size(); ++i) {
            const Node& n = nodes[i];
            const Fusion& fusion = fusions[i];
            if (fusion.gate >= 0 && fusion.swiglu < 0)
                continue; // a matmul of a fused feed-forward: done at its SwiGLU node
            if (n.op == Op::kv_store || n.op == Op::attention) {
                if (rec.rope_dims != 0 && (rec.rope_dims != n.params.attn.n_rot || rec.rope_base != n.params.attn.rope_base))
                    throw Error(errc::unsupported, "vulkan backend: layers with different RoPE settings");
                rec.rope_dims = n.params.attn.n_rot;
                rec.rope_base = n.params.attn.rope_base;
            }
            std::vector<Range> r, w;
            if (fusion.swiglu >= 0)
                r.push_back(range_of(fusion.x));
            else
                for (int s : n.src)
                    if (s >= 0 && !g.tensor(s).is_weight)
                        r.push_back(range_of(s));
            if (n.out >= 0)
                w.push_back(range_of(n.out));
            if (n.op == Op::kv_store)
                w.push_back(kv_range(n.params.attn.layer));
            if (n.op == Op::attention)
                r.push_back(kv_range(n.params.attn.layer));
            bool conflict = false;
            for (const Range& x : r)
                conflict = conflict || overlaps(writes, x);
            for (const Range& x : w)
                conflict = conflict || overlaps(writes, x) || overlaps(reads, x);
            if (conflict) {
                VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
                mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT;
                mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
                f.vkCmdPipelineBarrier(rec.cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &mb,
                                       0, nullptr, 0, nullptr);
                ++rec.barriers;
                reads.clear();
                writes.clear();
            }
            reads.insert(reads.end(), r.begin(), r.end());
            writes.insert(writes.end(), w.begin(), w.end());
            if (fusion.swiglu >= 0)
                encode_swiglu(g, offsets, fusion, n, rec);
            else
                encode(g, offsets, n, rec);
        }
        // The output to the host-visible readback buffer.
        const GraphTensor& o = g.tensor(g.output());
        rec.output_bytes = static_cast<std::size_t>(o.ne0 * o.ne1) * sizeof(float);
        VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
        mb.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
        f.vkCmdPipelineBarrier(rec.cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &mb, 0, nullptr, 0,
                               nullptr);
        if (rec.output_bytes > 0) {
            VkBufferCopy region{arena_.offset + offsets[static_cast<std::size_t>(g.output())], readback_.offset, rec.output_bytes};
            f.vkCmdCopyBuffer(rec.cmd, arena_.buffer, readback_.buffer, 1, &region);
        }
        VkMemoryBarrier hb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        hb.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        hb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        f.vkCmdPipelineBarrier(rec.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &hb, 0, nullptr, 0, nullptr);
        check(f.vkEndCommandBuffer(rec.cmd), "vkEndCommandBuffer");
    }

    void dispatch(Recorded& rec, const std::string& pipeline, const Bind (&binds)[binding_count], const PushConstants& pc,
                  std::uint32_t gx, std::uint32_t gy = 1, std::span<const std::uint32_t> constants = {}) {
        if (gx == 0 || gy == 0)
            return;
        const Functions& f = device_->fn();
        VkDescriptorSetLayout layout = pipelines_->set_layout();
        VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        ai.descriptorPool = rec.pool;
        ai.descriptorSetCount = 1;
        ai.pSetLayouts = &layout;
        VkDescriptorSet set = VK_NULL_HANDLE;
        check(f.vkAllocateDescriptorSets(device_->device(), &ai, &set), "vkAllocateDescriptorSets");
        VkDescriptorBufferInfo infos[binding_count];
        VkWriteDescriptorSet writes[binding_count];
        for (std::uint32_t i = 0; i < binding_count; ++i) {
            const Bind& b = binds[i].buffer ? binds[i] : Bind{dummy_.buffer, dummy_.offset, 16};
            infos[i] = {b.buffer, b.offset, b.range};
            writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
            writes[i].dstSet = set;
            writes[i].dstBinding = i;
            writes[i].descriptorCount = 1;
            writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            writes[i].pBufferInfo = &infos[i];
        }
        f.vkUpdateDescriptorSets(device_->device(), binding_count, writes, 0, nullptr);
        f.vkCmdBindPipeline(rec.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines_->get(pipeline, constants));
        f.vkCmdBindDescriptorSets(rec.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines_->layout(), 0, 1, &set, 0, nullptr);
        f.vkCmdPushConstants(rec.cmd, pipelines_->layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes, pc.words);
        if (rec.timestamps)
            f.vkCmdWriteTimestamp(rec.cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, rec.timestamps, static_cast<std::uint32_t>(2 * rec.names.size()));
        f.vkCmdDispatch(rec.cmd, gx, gy, 1);
        if (rec.timestamps) {
            f.vkCmdWriteTimestamp(rec.cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, rec.timestamps,
                                  static_cast<std::uint32_t>(2 * rec.names.size() + 1));
            rec.names.push_back(pipeline);
        }
        ++rec.dispatches;
    }

    // W · x for @p T tokens (bias, residual and their flags already bound and pushed in @p pc), or with
    // @p swiglu the fused feed-forward (weights at @p gate_base and @p up_base of binding 0).
    void dispatch_product(Recorded& rec, const Bind (&b)[binding_count], PushConstants pc, const DeviceLayout& l, const Weight& w,
                          std::int64_t T, bool swiglu, std::uint32_t gate_base, std::uint32_t up_base) {
        const std::string variant = swiglu ? "swiglu_" : "";
        if (matvec_kernels_ && T <= matvec_max_tokens) {
            // GPUs, a few tokens: one subgroup per row, rows strided over the workgroups dispatched.
            const std::uint32_t per_group = rows_per_group();
            const std::uint32_t groups = std::min(max_groups(), (u32(w.ne1) + per_group - 1) / per_group);
            pc.u(groups).u(l.blocks_per_row).u(l.b_words).u(l.c_words).u(gate_base).u(up_base);
            dispatch(rec, std::string("matvec") + (T == 1 ? "1_" : "_") + variant + type_suffix(w.type), b, pc, groups);
            return;
        }
        // A subgroup per tile of (subgroup size × 8) rows (× 4 of each weight fused) and 8 tokens (1 for a
        // single token). Portable: needs no subgroup arithmetic. CPU implementations take this path for
        // every batch: they gather loads whose address differs between lanes one by one, and the tile
        // reads activations at addresses the subgroup shares (measured on lavapipe, 180M Q4_0: token
        // generation 1.4× the one-row-per-invocation mat-vec it replaced, 8-token batches 2.6×).
        pc.u(l.blocks_per_row).u(l.b_words).u(l.c_words).u(gate_base).u(up_base);
        const bool single = T == 1;
        const std::uint64_t tokens = single ? 1 : matmul_tokens;
        const std::uint64_t sg = std::max<std::uint32_t>(1, device_->features().subgroup_size);
        const std::uint64_t rows = (swiglu ? matmul_rows_per_lane / 2 : matmul_rows_per_lane) * sg;
        const std::uint64_t tiles = ((static_cast<std::uint64_t>(w.ne1) + rows - 1) / rows) *
                                    ((static_cast<std::uint64_t>(T) + tokens - 1) / tokens);
        const std::uint32_t workgroup = matmul_workgroup();
        const std::uint64_t per_group = std::max<std::uint64_t>(1, workgroup / sg);
        const std::uint64_t groups = (tiles + per_group - 1) / per_group;
        const std::uint32_t constants[] = {workgroup};
        dispatch(rec, (single ? "matmul1_" : "matmul_") + variant + type_suffix(w.type), b, pc,
                 static_cast<std::uint32_t>(std::min<std::uint64_t>(groups, groups_limit)),
                 static_cast<std::uint32_t>((groups + groups_limit - 1) / groups_limit), constants);
    }

    // The fused feed-forward at SwiGLU node @p n (see plan_fusions): both weights through binding 0.
    void encode_swiglu(const Graph& g, const std::vector<std::size_t>& offsets, const Fusion& fusion, const Node& n, Recorded& rec) {
        const auto& nodes = g.nodes();
        const int gw = g.tensor(nodes[static_cast<std::size_t>(fusion.gate)].src[0]).weight;
        const int uw = g.tensor(nodes[static_cast<std::size_t>(fusion.up)].src[0]).weight;
        const Weight& w = model_.weights[gw];
        const Allocation &ag = weights_[static_cast<std::size_t>(gw)], &au = weights_[static_cast<std::size_t>(uw)];
        const VkDeviceSize begin = std::min(ag.offset, au.offset), end = std::max(ag.offset + ag.size, au.offset + au.size);
        Bind b[binding_count];
        b[4] = alloc_bind(inputs_);
        b[0] = {ag.buffer, begin, end - begin};
        b[1] = tensor_bind(g, offsets, fusion.x);
        b[3] = tensor_bind(g, offsets, n.out);
        PushConstants pc;
        pc.u(u32(w.ne0)).u(u32(w.ne1)).u(u32(g.tensor(fusion.x).ne1)).u(u32(static_cast<std::int64_t>(w.row_bytes))).u(0).u(0);
        dispatch_product(rec, b, pc, layouts_[static_cast<std::size_t>(gw)], w, g.tensor(fusion.x).ne1, true,
                         static_cast<std::uint32_t>((ag.offset - begin) / 16), static_cast<std::uint32_t>((au.offset - begin) / 16));
    }

    void encode(const Graph& g, const std::vector<std::size_t>& offsets, const Node& n, Recorded& rec) {
        Bind b[binding_count];
        b[4] = alloc_bind(inputs_);
        auto T = [&](int id) { return tensor_bind(g, offsets, id); };
        auto V = [&](int id) { return tensor_bind(g, offsets, id, true); }; // norm weights and biases as floats
        const GraphTensor* out = n.out >= 0 ? &g.tensor(n.out) : nullptr;
        switch (n.op) {
        case Op::get_rows: {
            const Weight& w = model_.weights[g.tensor(n.src[0]).weight];
            b[0] = T(n.src[0]);
            b[3] = T(n.out);
            const DeviceLayout& l = layouts_[static_cast<std::size_t>(g.tensor(n.src[0]).weight)];
            PushConstants pc;
            pc.u(u32(w.ne0)).u(u32(static_cast<std::int64_t>(w.row_bytes))).u(u32(w.ne1)).u(static_cast<std::uint32_t>(n.params.ids))
                .u(l.blocks_per_row).u(l.b_words).u(l.c_words);
            const std::uint32_t chunks = u32((w.ne0 + 31) / 32);
            dispatch(rec, "get_rows_" + type_suffix(w.type), b, pc, (chunks + 63) / 64, u32(out->ne1));
            return;
        }
        case Op::add:
        case Op::swiglu:
        case Op::gelu: {
            b[0] = T(n.src[0]);
            b[1] = n.src[1] >= 0 ? T(n.src[1]) : Bind{};
            b[3] = T(n.out);
            const std::uint64_t count = static_cast<std::uint64_t>(out->ne0 * out->ne1);
            PushConstants pc;
            pc.u(static_cast<std::uint32_t>(count));
            const std::uint64_t groups = (count + 255) / 256;
            const char* name = n.op == Op::add ? "add" : n.op == Op::swiglu ? "swiglu" : "gelu";
            dispatch(rec, name, b, pc, static_cast<std::uint32_t>(std::min<std::uint64_t>(groups, groups_limit)),
                     static_cast<std::uint32_t>((groups + groups_limit - 1) / groups_limit));
            return;
        }
        case Op::rms_norm:
        case Op::layer_norm: {
            b[0] = T(n.src[0]);
            b[1] = V(n.src[1]);
            b[2] = n.src[2] >= 0 ? V(n.src[2]) : Bind{};
            b[3] = T(n.out);
            PushConstants pc;
            pc.u(u32(out->ne0)).f(n.params.eps).u(u32(out->ne1));
            const std::string name = n.op == Op::rms_norm ? "rms_norm" : "layer_norm";
            if (subgroup_reductions_) { // a subgroup per row
                const std::uint32_t per_group = rows_per_group();
                dispatch(rec, name, b, pc, (u32(out->ne1) + per_group - 1) / per_group);
            } else { // a workgroup per row
                const std::uint32_t rows = u32(out->ne1), constants[] = {64};
                dispatch(rec, name + "_shared", b, pc, std::min(rows, groups_limit), (rows + groups_limit - 1) / groups_limit, constants);
            }
            return;
        }
        case Op::matmul: {
            const Weight& w = model_.weights[g.tensor(n.src[0]).weight];
            const GraphTensor& x = g.tensor(n.src[1]);
            b[0] = T(n.src[0]);
            b[1] = T(n.src[1]);
            b[2] = n.src[2] >= 0 ? V(n.src[2]) : Bind{};
            b[5] = n.src[3] >= 0 ? T(n.src[3]) : Bind{};
            b[3] = T(n.out);
            const DeviceLayout& l = layouts_[static_cast<std::size_t>(g.tensor(n.src[0]).weight)];
            PushConstants pc;
            pc.u(u32(w.ne0)).u(u32(w.ne1)).u(u32(x.ne1)).u(u32(static_cast<std::int64_t>(w.row_bytes)))
                .u(n.src[2] >= 0 ? 1u : 0u).u(n.src[3] >= 0 ? 1u : 0u);
            dispatch_product(rec, b, pc, l, w, x.ne1, false, 0, 0);
            return;
        }
        case Op::kv_store: {
            const AttentionParams& a = n.params.attn;
            b[0] = T(n.src[0]);
            b[1] = T(n.src[1]);
            b[5] = alloc_bind(k_cache_[static_cast<std::size_t>(a.layer)]);
            b[3] = alloc_bind(v_cache_[static_cast<std::size_t>(a.layer)]);
            PushConstants pc;
            pc.u(u32(kv_row_)).u(static_cast<std::uint32_t>(a.head_dim)).u(static_cast<std::uint32_t>(a.n_rot)).u(a.neox ? 1u : 0u);
            const std::uint32_t pairs = u32(kv_row_ / 2);
            dispatch(rec, config_.kv_f16 ? "kv_store_f16" : "kv_store_f32", b, pc, (pairs + 63) / 64, u32(g.tensor(n.src[0]).ne1));
            return;
        }
        case Op::attention: {
            const AttentionParams& a = n.params.attn;
            b[0] = T(n.src[0]);
            b[5] = alloc_bind(k_cache_[static_cast<std::size_t>(a.layer)]);
            b[2] = alloc_bind(v_cache_[static_cast<std::size_t>(a.layer)]);
            b[3] = T(n.out);
            PushConstants pc;
            pc.u(static_cast<std::uint32_t>(a.n_head)).u(static_cast<std::uint32_t>(a.n_head_kv)).u(static_cast<std::uint32_t>(a.head_dim))
                .u(static_cast<std::uint32_t>(a.n_rot)).u(a.neox ? 1u : 0u).u(a.causal ? 1u : 0u).f(a.scale).u(u32(out->ne1));
            const std::uint32_t pairs = u32(out->ne1) * static_cast<std::uint32_t>(a.n_head);
            if (a.head_dim > 256)
                throw Error(errc::unsupported, "vulkan backend: head_dim " + std::to_string(a.head_dim) + " is larger than 256");
            const bool half = device_->features().float16 && device_->features().rte16;
            const std::string cache = !config_.kv_f16 ? "f32" : half ? "f16h" : "f16";
            if (kv_tiles_ && out->ne1 >= attention_tile_min_tokens) {
                // GPUs, prompt batches: a workgroup per head and 64 tokens, the cache walked in tiles
                // staged in shared memory (shaders/attention.comp KV_TILES).
                const std::uint32_t groups = static_cast<std::uint32_t>(a.n_head) * ((u32(out->ne1) + 63) / 64);
                dispatch(rec, "attention_tiles_" + cache, b, pc, groups);
            } else {
                dispatch(rec, "attention_" + cache, b, pc, (pairs + 31) / 32);
            }
            return;
        }
        case Op::select:
        case Op::pool: {
            b[0] = T(n.src[0]);
            b[3] = T(n.out);
            PushConstants pc;
            pc.u(u32(out->ne0)).u(static_cast<std::uint32_t>(n.params.pooling));
            dispatch(rec, n.op == Op::select ? "select" : "pool", b, pc, u32((out->ne0 + 63) / 64), u32(out->ne1));
            return;
        }
        }
    }

    const Model::Impl& model_;
    BackendConfig config_;
    std::shared_ptr<Device> device_;
    std::shared_ptr<Pipelines> pipelines_;
    std::unique_ptr<Allocator> allocator_;
    CommandPool command_pool_;
    Fence fence_;
    bool submitted_ = false;        // fence_ is pending: a submit not waited for yet
    Semaphore uploaded_;            // signalled by the last upload on a separate transfer queue
    bool uploaded_pending_ = false; // the next submit waits for it
    std::vector<Allocation> weights_; // as stored in the file
    std::vector<Allocation> vectors_; // 1-D weights as floats (norm weights, biases)
    std::vector<DeviceLayout> layouts_; // of each weight
    std::vector<Allocation> k_cache_, v_cache_;
    Allocation arena_, inputs_, readback_, dummy_;
    std::int64_t kv_row_ = 0;
    std::int64_t inputs_ints_ = 0;
    std::size_t arena_floor_ = 0;
    bool profiling_ = environment().vk_profile;
    bool subgroup_reductions_ = true; // norms with subgroupAdd (else in shared memory)
    bool matvec_kernels_ = false;     // a few tokens: the subgroup mat-vec (else the tiled product)
    bool kv_tiles_ = false;           // prompt batches: attention over cache tiles in shared memory
    std::map<std::string, std::pair<double, std::size_t>> profile_; // pipeline → (device ms, dispatches)
    std::list<Recorded> recorded_; // by graph structure, the most recently used first; at most recorded_limit
};

} // namespace

} // namespace vk

std::unique_ptr<Backend> make_vulkan_backend(const Model::Impl& model, const BackendConfig& config) {
    return std::make_unique<vk::VulkanBackend>(model, config);
}

bool vulkan_gpu_available() noexcept {
    try {
        for (const vk::DeviceInfo& d : vk::Device::list())
            if (d.type != "cpu" && d.api_version >= VK_API_VERSION_1_2)
                return true;
    } catch (...) {
    }
    return false;
}

} // namespace braid::engine
