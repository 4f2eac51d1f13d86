// The codec templates' view of the built-in type table.
//
// The public codec headers cannot include src/ headers, so they reach the generated table
// (pgring::catalog, src/codec/builtin_types.hpp) through the functions defined here.

#include <pgring/detail/codec_support.hpp>

#include "codec/builtin_types.hpp"

namespace pgring::detail {

oid_t array_element_oid(oid_t array_type) noexcept {
    const catalog::builtin_type* t = catalog::find_builtin_type(array_type);
    return t != nullptr && t->category == 'A' ? t->element_oid : 0;
}

}  // namespace pgring::detail
