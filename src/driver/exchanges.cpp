// The describe and rows exchanges: see exchanges.hpp.

#include "driver/exchanges.hpp"

#include "driver/rows_builder.hpp"
#include "wire/frontend.hpp"

#include <exception>
#include <string>

#include <variant>

namespace pgring::driver {

detail::block_ptr<detail::column_set> make_columns(const wire::backend::row_description& description) {
    auto set = detail::column_set::make();
    set->columns.reserve(description.column_count);
    for (const wire::backend::field_description f : description) {
        column c;
        c.name.assign(f.name.data(), f.name.size());
        c.type = f.type_oid;
        c.table = f.table_oid;
        c.attribute = f.column_attribute;
        c.type_size = f.type_size;
        c.type_modifier = f.type_modifier;
        c.format = f.format;
        set->columns.push_back(std::move(c));
    }
    return set;
}

namespace {

void on_describe_event(request& r, const wire::event& ev, channel&) {
    auto& d = static_cast<describe_exchange&>(r);
    switch (ev.kind) {
        case wire::event_kind::parameter_description: {
            const auto& pd = std::get<wire::backend::parameter_description>(ev.msg);
            d.parameter_types.resize(pd.count);
            for (std::size_t i = 0; i < pd.count; ++i) {
                d.parameter_types[i] = pd.oid(i);
            }
            break;
        }
        case wire::event_kind::row_description:
            d.columns = make_columns(std::get<wire::backend::row_description>(ev.msg));
            break;
        case wire::event_kind::no_data:
            d.columns = detail::column_set::make();
            break;
        default:
            break;
    }
}

// CommandComplete: the tag and the row count it carries (0 when it carries none).
void set_tag(rows& out, const wire::event& ev) {
    const auto& cc = std::get<wire::backend::command_complete>(ev.msg);
    std::uint64_t n = 0;
    if (!cc.rows_affected(n)) {
        n = 0;
    }
    rows::builder::set_tag(out, cc.command_tag, n);
}

// Keeps a DataRow in `out`: borrowed from the receive buffer when it lies in one, else copied.
void keep_row(rows& out, const wire::backend::data_row& row, channel& c) {
    const std::byte* p = row.fields.data();
    const std::size_t n = row.fields.size();
    if (detail::shared_block* b = c.borrow(p, n)) {
        rows::builder::add_borrowed(out, b, p, n);
    } else {
        rows::builder::add_copied(out, p, n);
    }
}

void on_rows_row(request& r, const wire::backend::data_row& row, channel& c) {
    auto& x = static_cast<rows_exchange&>(r);
    if (x.keep_rows && !x.ec) {
        keep_row(*x.out, row, c);
    }
}

void on_batch_row(request& r, const wire::backend::data_row& row, channel& c) {
    auto& x = static_cast<batch_exchange&>(r);
    if (!x.ec && x.completed < x.outs.size()) {
        keep_row(x.outs[x.completed], row, c);
    }
}

void on_batch_event(request& r, const wire::event& ev, channel& c) {
    auto& x = static_cast<batch_exchange&>(r);
    switch (ev.kind) {
        case wire::event_kind::data_row:
            on_batch_row(r, std::get<wire::backend::data_row>(ev.msg), c);
            break;
        case wire::event_kind::command_complete:
            if (x.completed < x.outs.size()) {
                set_tag(x.outs[x.completed], ev);
            }
            ++x.completed;
            break;
        case wire::event_kind::empty_query:
            ++x.completed;
            break;
        case wire::event_kind::copy_in_response:
            (void)c.session().send_copy_fail(c.out(), "pgring: a COPY cannot run in a batch; it needs the COPY API");
            c.request_flush();
            break;
        case wire::event_kind::copy_out_response:
            if (!x.ec) {
                x.ec = make_error_code(errc::not_supported);
                x.diag.client_message = "a COPY cannot run in a batch; it needs the COPY API";
            }
            break;
        default:
            break;
    }
}

void on_rows_event(request& r, const wire::event& ev, channel& c) {
    auto& x = static_cast<rows_exchange&>(r);
    switch (ev.kind) {
        case wire::event_kind::row_description:
            rows::builder::set_columns(*x.out, make_columns(std::get<wire::backend::row_description>(ev.msg)));
            break;
        case wire::event_kind::no_data:
            rows::builder::set_columns(*x.out, detail::column_set::make());
            break;
        case wire::event_kind::data_row:
            on_rows_row(r, std::get<wire::backend::data_row>(ev.msg), c);
            break;
        case wire::event_kind::copy_in_response:
            // COPY FROM STDIN through query()/execute(): no data to send. Refuse it with a
            // CopyFail; the server answers with an ErrorResponse (57014, naming our message) and
            // the connection carries on.
            (void)c.session().send_copy_fail(
                c.out(), "pgring: COPY FROM STDIN cannot run through query() or execute(); it needs the COPY API");
            c.request_flush();
            break;
        case wire::event_kind::copy_out_response:
            // COPY TO STDOUT through query()/execute(): the data has nowhere to go. Let it drain
            // (the server is not interrupted) and report the call as not supported.
            if (!x.ec) {
                x.ec = make_error_code(errc::not_supported);
                x.diag.client_message =
                    "COPY TO STDOUT cannot return its data through query() or execute(); it needs the COPY API";
            }
            break;
        case wire::event_kind::portal_suspended:
            x.suspended = true;
            break;
        case wire::event_kind::command_complete:
            if (x.sum_counts) {
                const auto& cc = std::get<wire::backend::command_complete>(ev.msg);
                std::uint64_t n = 0;
                if (cc.rows_affected(n)) {
                    x.counted += n;
                }
                rows::builder::set_tag(*x.out, cc.command_tag, x.counted);
            } else {
                set_tag(*x.out, ev);
            }
            break;
        default:
            break;
    }
}

// After a row of a single-pass stream: wake the consumer; pause the socket once enough wait
// (not while another request queues behind: its answer comes after these rows).
void after_stream_row(stream_exchange& x, channel& c) {
    if (x.waiter) {
        c.loop().schedule(std::exchange(x.waiter, {}));
    }
    if (!x.ec && x.pending.size() >= x.pause_at && c.front() == &x && x.next == nullptr) {
        c.pause_receive();
    }
}

void on_stream_row(request& r, const wire::backend::data_row& row, channel& c) {
    on_rows_row(r, row, c);
    after_stream_row(static_cast<stream_exchange&>(r), c);
}

void on_stream_event(request& r, const wire::event& ev, channel& c) {
    on_rows_event(r, ev, c);
    auto& x = static_cast<stream_exchange&>(r);
    if (ev.kind == wire::event_kind::data_row) {
        after_stream_row(x, c);
    } else if (ev.kind == wire::event_kind::command_complete) {
        x.tag = x.pending.command_tag();
    }
}

void on_copy_event(request& r, const wire::event& ev, channel& c) {
    auto& x = static_cast<copy_exchange&>(r);
    switch (ev.kind) {
        case wire::event_kind::copy_in_response:
            if (x.sink != nullptr) {
                // A COPY FROM STDIN where the caller expected data out: refuse it.
                (void)c.session().send_copy_fail(c.out(), "pgring: this COPY reads from the client; use copy_in()");
                c.request_flush();
                break;
            }
            x.copy_in = true;
            if (x.waiter) {
                c.loop().schedule(std::exchange(x.waiter, {}));
            }
            break;
        case wire::event_kind::copy_out_response:
            x.copy_out = true;
            if (x.sink == nullptr && !x.ec) {
                x.ec = make_error_code(errc::not_supported);
                x.diag.client_message = "this COPY writes to the client; use copy_out()";
            }
            break;
        case wire::event_kind::copy_data:
            if (x.sink != nullptr && !x.ec) {
                // A sink that throws stops the delivery; the rest of the COPY is drained (a
                // CancelRequest could reach the server after the COPY and cancel a later query).
                try {
                    (*x.sink)(std::get<wire::backend::copy_data>(ev.msg).data);
                } catch (const std::exception& e) {
                    x.ec = make_error_code(errc::cancelled);
                    x.diag.client_message = std::string("the COPY sink failed: ") + e.what();
                } catch (...) {
                    x.ec = make_error_code(errc::cancelled);
                    x.diag.client_message = "the COPY sink failed: an exception that is not a std::exception";
                }
            }
            break;
        case wire::event_kind::command_complete:
            set_tag(*x.out, ev);
            break;
        default:
            break;
    }
}

}  // namespace

stream_exchange::stream_exchange(detail::block_ptr<detail::column_set> columns, std::size_t pause)
    : rows_exchange(pending, {}, true), pause_at(pause == 0 ? 1 : pause) {
    // (`pending` is constructed after the base, which only keeps its address.)
    if (columns) {
        rows::builder::set_columns(pending, std::move(columns));
    }
    on_event = &on_stream_event;
    on_row = &on_stream_row;
}

rows stream_exchange::take() {
    rows batch = std::move(pending);
    pending = rows();
    rows::builder::share_columns(batch, pending);
    if (ch != nullptr && ch->receive_paused() && ch->front() == this) {
        ch->resume_receive();
    }
    return batch;
}

batch_exchange::batch_exchange(std::span<rows> o) : outs(o) {
    on_event = &on_batch_event;
    on_row = &on_batch_row;
}

copy_exchange::copy_exchange(rows& o, const std::function<void(std::span<const std::byte>)>* s) : out(&o), sink(s) {
    on_event = &on_copy_event;
}

static std::string type_name_of(oid_t type) {
    return "type " + std::to_string(type);
}

// Chooses each parameter's format for the server's parameter types: binary when the codec takes
// the type, text when the value is a string (the server parses it as it would a literal).
std::error_code choose_formats(std::span<const oid_t> types, std::span<const detail::param_ref> params, format_list& formats,
                               diagnostics& diag, std::span<const std::string> type_names) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        const detail::param_ref& p = params[i];
        const bool name_known = !p.type_name.empty() && i < type_names.size() && !type_names[i].empty();
        if (p.is_null || (name_known ? type_names[i] == p.type_name : p.accepts(types[i]))) {
            formats[i] = binary_format;
        } else if (p.text_like) {
            formats[i] = text_format;
        } else {
            diag.client_message = "parameter $" + std::to_string(i + 1) + ": the C++ type cannot be sent as " +
                                  type_name_of(types[i]);
            return make_error_code(errc::type_mismatch);
        }
    }
    return {};
}

// Writes a Bind whose parameters are encoded by their codecs (or copied as text). On error the
// buffer is left as it was.
std::error_code write_bind(wire::session& s, wire::write_buffer& out, std::string_view statement,
                           std::span<const oid_t> types, std::span<const detail::param_ref> params,
                           const format_list& formats, diagnostics& diag,
                           std::span<const std::int16_t> result_formats, std::string_view portal) {
    wire::frontend::bind_encoder b(out, portal, statement, formats.span(), params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        const detail::param_ref& p = params[i];
        if (p.is_null) {
            b.null();
        } else if (formats.span()[i] == text_format) {
            b.value(p.text(p.value));
        } else {
            const oid_t type = types[i];
            const std::size_t n = p.size(p.value, type);
            std::span<std::byte> dst = b.reserve(n);
            if (dst.size() != n) {
                break;  // the encoder failed (size limit); finish() reports it
            }
            if (const std::error_code ec = p.encode(p.value, type, dst)) {
                diag.client_message =
                    "parameter $" + std::to_string(i + 1) + ": cannot encode as " + type_name_of(type) + ": " + ec.message();
                b.fail(ec);
                break;
            }
        }
    }
    static constexpr std::array<std::int16_t, 1> all_binary{binary_format};
    const std::error_code ec = s.end_bind(b, result_formats.empty() ? std::span<const std::int16_t>(all_binary)
                                                                     : result_formats);
    if (ec && diag.client_message.empty()) {
        diag.client_message = "cannot encode the parameters: " + ec.message();
    }
    return ec;
}


describe_exchange::describe_exchange() {
    on_event = &on_describe_event;
}

rows_exchange::rows_exchange(rows& o, detail::block_ptr<detail::column_set> columns, bool keep)
    : out(&o), keep_rows(keep) {
    on_event = &on_rows_event;
    on_row = &on_rows_row;
    if (columns) {
        rows::builder::set_columns(o, std::move(columns));
    }
}

}  // namespace pgring::driver
