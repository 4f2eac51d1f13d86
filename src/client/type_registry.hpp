#pragma once

// client::type_registry: the types a connection met that are not built in (enums, composites,
// domains, extension types, arrays and ranges of them), loaded from the server's catalogs the
// first time a statement's parameters or columns use them, and the choice of each result
// column's format (binary unless the server cannot send the type in binary).
//
// Loading walks the references (array element, domain base, range subtype, composite fields)
// one catalog query per level until every type reached is known.
//
// Thread: the connection's loop thread.

#include <pgring/type_info.hpp>

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace pgring::detail {

class type_registry final : public type_lookup {
public:
    const type_info* find(oid_t oid) const noexcept override;

    /// Adds or replaces the description of `t.oid`.
    void add(type_info t);
    /// Forgets every loaded type (after a schema change).
    void clear() noexcept { types_.clear(); }
    std::size_t size() const noexcept { return types_.size(); }

    /// True when `oid` is neither built in nor loaded.
    bool unknown(oid_t oid) const noexcept;
    /// Appends to `out` the types that `t` refers to and that are unknown.
    void unknown_references(const type_info& t, std::vector<oid_t>& out) const;

    /// The result format for a column of type `oid`: 0 (text) when it is listed in `text_types`
    /// or the server cannot send it (or its array elements, domain base, range subtype) in
    /// binary; 1 otherwise.
    std::int16_t result_format(oid_t oid, std::span<const oid_t> text_types) const noexcept;

private:
    std::unordered_map<oid_t, type_info> types_;
};

/// The catalog query that describes the types whose OIDs are in its one parameter (oid[]):
/// one row per type, in the column order read by type_from_row().
extern const char* const type_catalog_query;

}  // namespace pgring::detail
