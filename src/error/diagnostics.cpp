#include <pgring/diagnostics.hpp>

namespace pgring {

bool diagnostics::set_field(char code, std::string_view value) {
    std::string* field = nullptr;
    switch (code) {
        case 'S': field = &severity; break;
        case 'V': field = &severity_nonlocalized; break;
        case 'C': field = &sqlstate; break;
        case 'M': field = &message; break;
        case 'D': field = &detail; break;
        case 'H': field = &hint; break;
        case 'P': field = &position; break;
        case 'p': field = &internal_position; break;
        case 'q': field = &internal_query; break;
        case 'W': field = &where; break;
        case 's': field = &schema_name; break;
        case 't': field = &table_name; break;
        case 'c': field = &column_name; break;
        case 'd': field = &data_type_name; break;
        case 'n': field = &constraint_name; break;
        case 'F': field = &file; break;
        case 'L': field = &line; break;
        case 'R': field = &routine; break;
        default: return false;
    }
    field->assign(value);
    return true;
}

}  // namespace pgring
