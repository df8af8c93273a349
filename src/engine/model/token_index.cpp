// token_index(model): the model's TokenIndex, built once on first use and kept in Model::Impl.
#include "braid/engine/token_index.hpp"

#include "engine/model/model_impl.hpp"

namespace braid::engine {

std::shared_ptr<const TokenIndex> token_index(const Model& model) {
    const Model::Impl& impl = *model.impl();
    std::call_once(impl.token_index_once,
                   [&] { impl.token_index = TokenIndex::build(*impl.tokenizer, impl.end_of_generation); });
    return impl.token_index;
}

} // namespace braid::engine
