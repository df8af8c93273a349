#include "braid/core/pick.hpp"

namespace braid {

namespace {

class PickImpl final : public RunnableImpl<Value, Value> {
public:
    PickImpl(std::vector<std::string> keys, bool single) : keys_(std::move(keys)), single_(single) {
        if (keys_.empty())
            throw Error(errc::invalid_argument, "pick: give at least one key");
        for (const std::string& key : keys_)
            if (key.empty())
                throw Error(errc::invalid_argument, "pick: a key is empty");
    }

    Value invoke(const Value& input, const RunContext&) const override {
        require_object(input);
        if (single_) {
            auto found = input.find(keys_.front());
            if (found == input.end())
                throw Error(errc::not_found, "step '" + name() + "': the input has no key '" + keys_.front() +
                                                 "' (keys: " + keys_of(input) + ")");
            return *found;
        }
        return picked(input);
    }

    Stream<Value> transform(Stream<Value> input, const RunContext&) const override {
        return pick_stream(this, std::move(input));
    }

    StreamMode stream_mode() const override { return StreamMode::transform; }
    ChunkKind chunk_kind() const override { return ChunkKind::same_as_input; }

    std::string name() const override {
        std::string keys;
        for (const std::string& key : keys_)
            keys += (keys.empty() ? "" : ", ") + key;
        return "Pick<" + keys + ">";
    }

private:
    void require_object(const Value& input) const {
        if (!input.is_object())
            throw Error(errc::validation,
                        "step '" + name() + "' expects an object input, got " + std::string(input.type_name()));
    }

    static std::string keys_of(const Value& object) {
        std::string keys;
        for (const auto& item : object.items())
            keys += (keys.empty() ? "" : ", ") + item.key();
        return keys.empty() ? "none" : keys;
    }

    Value picked(const Value& input) const {
        Value out = Value::object();
        for (const std::string& key : keys_) {
            auto found = input.find(key);
            if (found != input.end())
                out[key] = *found;
        }
        return out;
    }

    static Stream<Value> pick_stream(const PickImpl* self, Stream<Value> input) {
        bool seen = false;
        while (auto chunk = input.next()) {
            self->require_object(*chunk);
            if (self->single_) {
                auto found = chunk->find(self->keys_.front());
                if (found == chunk->end())
                    continue;
                seen = true;
                co_yield std::move(*found);
            } else {
                Value part = self->picked(*chunk);
                seen = true;
                if (!part.empty())
                    co_yield std::move(part);
            }
        }
        if (!seen)
            throw Error(errc::not_found, "step '" + self->name() + "': no input chunk had the key '" +
                                             self->keys_.front() + "'");
    }

    std::vector<std::string> keys_;
    bool single_;
};

} // namespace

AnyRunnable pick(std::string key) {
    return make_runnable(std::make_shared<PickImpl>(std::vector<std::string>{std::move(key)}, true));
}

AnyRunnable pick(std::vector<std::string> keys) { return make_runnable(std::make_shared<PickImpl>(std::move(keys), false)); }

} // namespace braid
