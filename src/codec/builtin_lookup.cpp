// The codec templates' view of the built-in type table.
//
// The public codec headers cannot include src/ headers, so they reach the generated table
// (pgring::catalog, src/codec/builtin_types.hpp) through the functions defined here, and the
// types of the connection encoding a Bind through the thread's scoped_type_lookup.

#include <pgring/detail/codec_support.hpp>

#include "codec/builtin_types.hpp"

namespace pgring::detail {

namespace {

thread_local const type_lookup* current_types = nullptr;

}  // namespace

oid_t array_element_oid(oid_t array_type) noexcept {
    if (const catalog::builtin_type* t = catalog::find_builtin_type(array_type)) {
        return t->category == 'A' ? t->element_oid : 0;
    }
    if (current_types != nullptr) {
        if (const type_info* t = current_types->find(array_type); t != nullptr && t->category == 'A') {
            return t->element;
        }
    }
    return 0;
}

scoped_type_lookup::scoped_type_lookup(const type_lookup* types) noexcept : previous_(current_types) {
    current_types = types;
}

scoped_type_lookup::~scoped_type_lookup() {
    current_types = previous_;
}

}  // namespace pgring::detail
