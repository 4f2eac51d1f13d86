#pragma once

// The requests the client layer sends, with what each keeps of the events it is shown:
//
//   describe_exchange  Parse + Describe statement + Sync: parameter types and result columns
//   rows_exchange      Bind + [Describe portal] + Execute + Sync: rows (borrowed from the receive
//                      buffers, see rows_builder.hpp), command tag
//   copy_exchange      Parse + Bind + Execute + Sync of a COPY: CopyData to a sink (TO STDOUT), or
//                      a wake-up at CopyInResponse so the caller streams its data (FROM STDIN)
//
// Both are driver::request objects that live in the awaiting coroutine's frame.
//
// Thread: the loop thread.

#include <pgring/connection.hpp>
#include <pgring/diagnostics.hpp>
#include <pgring/oid.hpp>
#include <pgring/row.hpp>

#include <pgring/detail/shared_block.hpp>

#include "driver/channel.hpp"
#include "wire/backend.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <coroutine>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace pgring::driver {

/// The columns of a RowDescription, owned and shareable.
detail::block_ptr<detail::column_set> make_columns(const wire::backend::row_description& description);

/// Collects ParameterDescription and RowDescription/NoData.
struct describe_exchange : request {
    describe_exchange();
    std::vector<oid_t> parameter_types;
    detail::block_ptr<detail::column_set> columns;  // empty set for NoData
};

/// Collects rows and the command tag into `out`.
struct rows_exchange : request {
    /// `columns`: the statement's columns when known (cached statement); otherwise they come
    /// from the RowDescription of a Describe portal. `keep_rows` false drops the rows (execute).
    rows_exchange(rows& out, detail::block_ptr<detail::column_set> columns, bool keep_rows);
    rows* out;
    bool keep_rows;
    /// Several Executes (a batch): the tag is the last one's, the row count their sum.
    bool sum_counts = false;
    std::uint64_t counted = 0;
    /// An Execute with a row limit ended in PortalSuspended: the portal has more rows.
    bool suspended = false;
};

/// A result read in one pass (row_stream's single-pass mode): one Execute without a row limit,
/// whose rows gather in `pending` until the consumer takes them. Once `pause_at` rows wait, the
/// channel stops reading the socket (channel::pause_receive), so the server blocks instead of
/// memory growing; take() lets it read again. The consumer is woken when rows arrive.
/// Lifetime: on the heap of the row_stream; destroyed while queued, it leaves a stand-in.
struct stream_exchange : rows_exchange {
    stream_exchange(detail::block_ptr<detail::column_set> columns, std::size_t pause_at);
    rows pending;
    std::size_t pause_at;
    std::string tag;  ///< the CommandComplete tag (also set in `pending`, which take() replaces)
    channel* ch = nullptr;  ///< set by submit_to()

    /// Submits the request (its messages are already in the channel's buffer).
    void submit_to(channel& c) {
        ch = &c;
        c.submit(*this);
    }
    /// The rows gathered so far (possibly none); reading resumes if it was paused for them.
    rows take();

    /// Awaits rows to take or the end of the request, whichever comes first.
    auto rows_or_done() noexcept {
        // The row_stream may outlive a coroutine destroyed while it waits here: the awaiter
        // (in that coroutine's frame) then takes its handle back.
        struct awaiter {
            stream_exchange& x;
            std::coroutine_handle<> h{};
            explicit awaiter(stream_exchange& e) noexcept : x(e) {}
            awaiter(const awaiter&) = delete;
            awaiter& operator=(const awaiter&) = delete;
            ~awaiter() {
                if (h && x.waiter == h) {
                    x.waiter = {};
                }
            }
            bool await_ready() const noexcept { return x.done || !x.pending.empty(); }
            void await_suspend(std::coroutine_handle<> handle) noexcept {
                h = handle;
                x.waiter = handle;
            }
            void await_resume() noexcept { h = {}; }
        };
        return awaiter{*this};
    }
};

/// The statements of an atomic batch (Bind + Execute each, one Sync): the rows and the tag of
/// statement i go to outs[i]; `completed` counts the statements the server finished.
struct batch_exchange : request {
    explicit batch_exchange(std::span<rows> outs);
    std::span<rows> outs;
    std::size_t completed = 0;
};

/// A COPY statement. For COPY TO STDOUT each CopyData's bytes go to `sink`; for COPY FROM STDIN
/// the awaiting coroutine is woken at CopyInResponse (until_copy_in()) to send its data.
struct copy_exchange : request {
    copy_exchange(rows& out, const std::function<void(std::span<const std::byte>)>* sink);
    rows* out;
    const std::function<void(std::span<const std::byte>)>* sink;  ///< null: COPY FROM STDIN
    bool copy_in = false;   ///< CopyInResponse arrived: the server waits for data
    bool copy_out = false;  ///< CopyOutResponse arrived

    /// Awaits CopyInResponse or the end of the request, whichever comes first.
    auto until_copy_in() noexcept {
        struct awaiter {
            copy_exchange& x;
            bool await_ready() const noexcept { return x.done || x.copy_in; }
            void await_suspend(std::coroutine_handle<> h) noexcept { x.waiter = h; }
            void await_resume() const noexcept {}
        };
        return awaiter{*this};
    }
};

inline constexpr std::int16_t text_format = 0;
inline constexpr std::int16_t binary_format = 1;

/// Per-parameter format codes, without allocating for the common small counts.
class format_list {
public:
    explicit format_list(std::size_t n) : n_(n) {
        if (n > small_.size()) {
            big_.resize(n);
        }
    }
    std::int16_t& operator[](std::size_t i) noexcept { return n_ > small_.size() ? big_[i] : small_[i]; }
    std::span<const std::int16_t> span() const noexcept {
        return n_ > small_.size() ? std::span<const std::int16_t>(big_)
                                  : std::span<const std::int16_t>(small_.data(), n_);
    }

private:
    std::size_t n_;
    std::array<std::int16_t, 16> small_{};
    std::vector<std::int16_t> big_;
};

/// Chooses each parameter's format for the statement's parameter `types`: binary when the codec
/// takes the type, text when the value is a string (the server parses it as it would a literal).
/// A codec with a type_name takes a parameter whose type has that name (`type_names`, one per
/// parameter or empty). Errors: errc::type_mismatch (with `diag` naming the parameter).
[[nodiscard]] std::error_code choose_formats(std::span<const oid_t> types, std::span<const detail::param_ref> params,
                                             format_list& formats, diagnostics& diag,
                                             std::span<const std::string> type_names = {});

/// Writes a Bind of `statement` into `portal` (default: the unnamed one; all results binary unless
/// `result_formats` says otherwise) whose parameters are encoded by their codecs, or copied as
/// text. On error the buffer is left as it was.
[[nodiscard]] std::error_code write_bind(wire::session& s, wire::write_buffer& out, std::string_view statement,
                                         std::span<const oid_t> types, std::span<const detail::param_ref> params,
                                         const format_list& formats, diagnostics& diag,
                                         std::span<const std::int16_t> result_formats = {},
                                         std::string_view portal = {});

}  // namespace pgring::driver
