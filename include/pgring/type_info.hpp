#pragma once

/// @file
/// `type_info`: a PostgreSQL type as the catalogs describe it, for types that are not built in
/// (enums, composites, domains, extension types such as hstore) and are found at run time.

#include <pgring/oid.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pgring {

/// One PostgreSQL type, as pg_type (with pg_range, pg_enum and pg_attribute) describes it.
struct type_info {
    /// One attribute of a composite type.
    struct field {
        std::string name;  ///< pg_attribute.attname
        oid_t type = 0;    ///< pg_attribute.atttypid
    };

    oid_t oid = 0;                ///< pg_type.oid
    std::string schema;           ///< pg_namespace.nspname of the type ("public", "pg_catalog")
    std::string name;             ///< pg_type.typname ("mood", "_mood" for mood[])
    char kind = 'b';              ///< pg_type.typtype: 'b' base, 'c' composite, 'd' domain, 'e' enum, 'p' pseudo, 'r' range, 'm' multirange
    char category = 'U';          ///< pg_type.typcategory ('A' array, 'E' enum, 'U' user-defined, ...)
    std::int16_t length = -1;     ///< pg_type.typlen
    char delimiter = ',';         ///< pg_type.typdelim: separates array elements in text form
    bool binary_output = true;    ///< pg_type.typsend is set: values can be sent in binary
    oid_t element = 0;            ///< for an array type: the element type (pg_type.typelem)
    oid_t array = 0;              ///< pg_type.typarray: the array type of this type, or 0
    oid_t base = 0;               ///< for a domain: pg_type.typbasetype
    oid_t range_subtype = 0;      ///< for a range or multirange type: the range's subtype
    oid_t range = 0;              ///< for a multirange type: its range type
    std::vector<field> fields;    ///< for a composite type: its attributes in order, dropped ones left out
    std::vector<std::string> labels;  ///< for an enum: its labels in sort order
};

/// Where renderers and decoders look up types that are not built in.
class type_lookup {
public:
    virtual ~type_lookup() = default;
    /// The description of `oid`, or nullptr when it is not known. Built-in types need not be
    /// listed (they are in pgring's own catalog).
    virtual const type_info* find(oid_t oid) const noexcept = 0;

protected:
    /// For implementations only.
    ///@{
    type_lookup() = default;
    type_lookup(const type_lookup&) = default;
    type_lookup& operator=(const type_lookup&) = default;
    ///@}
};

}  // namespace pgring
