// client::type_registry: see type_registry.hpp.

#include "client/type_registry.hpp"

#include "codec/builtin_types.hpp"

#include <algorithm>
#include <utility>

namespace pgring::detail {

namespace {

// Built-in types without a binary output function (pg_type.typsend = 0) and their arrays.
constexpr oid_t aclitem_oid = 1033;
constexpr oid_t aclitem_array_oid = 1034;
constexpr oid_t gtsvector_oid = 3642;
constexpr oid_t gtsvector_array_oid = 3644;

bool builtin_without_binary(oid_t oid) noexcept {
    return oid == aclitem_oid || oid == aclitem_array_oid || oid == gtsvector_oid || oid == gtsvector_array_oid;
}

}  // namespace

const char* const type_catalog_query =
    "SELECT t.oid, n.nspname::text, t.typname::text, t.typtype::text, t.typcategory::text, t.typlen, "
    "t.typdelim::text, t.typsend::oid <> 0, "
    "CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0::oid END, t.typarray, t.typbasetype, "
    "COALESCE(r.rngsubtype, mr.rngsubtype, 0::oid), COALESCE(mr.rngtypid, 0::oid), "
    "ARRAY(SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), "
    "ARRAY(SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid "
    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum), "
    "ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) "
    "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
    "LEFT JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid "
    "LEFT JOIN pg_catalog.pg_range mr ON mr.rngmultitypid = t.oid "
    "WHERE t.oid = ANY($1::oid[])";

const type_info* type_registry::find(oid_t oid) const noexcept {
    const auto it = types_.find(oid);
    return it == types_.end() ? nullptr : &it->second;
}

void type_registry::add(type_info t) {
    const oid_t oid = t.oid;
    types_.insert_or_assign(oid, std::move(t));
}

bool type_registry::unknown(oid_t oid) const noexcept {
    return oid != 0 && catalog::find_builtin_type(oid) == nullptr && find(oid) == nullptr;
}

void type_registry::unknown_references(const type_info& t, std::vector<oid_t>& out) const {
    auto add_ref = [&](oid_t oid) {
        if (unknown(oid) && std::find(out.begin(), out.end(), oid) == out.end()) {
            out.push_back(oid);
        }
    };
    add_ref(t.element);
    add_ref(t.base);
    add_ref(t.range_subtype);
    add_ref(t.range);
    for (const type_info::field& f : t.fields) {
        add_ref(f.type);
    }
}

std::int16_t type_registry::result_format(oid_t oid, std::span<const oid_t> text_types) const noexcept {
    // Follow array elements, domain bases and range subtypes (a few levels at most; the bound
    // guards against a catalog cycle).
    for (int depth = 0; depth < 16 && oid != 0; ++depth) {
        if (std::find(text_types.begin(), text_types.end(), oid) != text_types.end() || builtin_without_binary(oid)) {
            return 0;
        }
        if (const catalog::builtin_type* b = catalog::find_builtin_type(oid)) {
            oid = b->element_oid != 0 ? b->element_oid : b->range_subtype;
            continue;
        }
        const type_info* t = find(oid);
        if (t == nullptr) {
            return 1;  // not loaded: ask for binary, as for every other type
        }
        if (!t->binary_output) {
            return 0;
        }
        oid = t->element != 0 ? t->element : t->base != 0 ? t->base : t->range_subtype;
    }
    return 1;
}

}  // namespace pgring::detail
