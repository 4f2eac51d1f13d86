// driver::channel: see channel.hpp for the flow of one connection.

#include "driver/channel.hpp"

#include <pgring/sqlstate.hpp>
#include <pgring/task.hpp>

#include "wire/frontend.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <utility>

namespace pgring::driver {

namespace {

template <class Op>
channel* owner_of(Op& op) {
    return static_cast<owned<Op>&>(op).owner;
}

std::string errno_text(int err) {
    return std::error_code(err, std::generic_category()).message();
}

// A CancelRequest on a connection of its own: connect, send 16 bytes, close. It owns itself and
// frees itself when its last op is done, so it may outlive the channel that sent it.
struct cancel_sender {
    struct connect_rec : ring::connect_op {
        cancel_sender* self = nullptr;
    };
    struct send_rec : ring::send_op {
        cancel_sender* self = nullptr;
    };
    struct deadline_rec : ring::linked_timeout {
        cancel_sender* self = nullptr;
    };

    ring::loop& lp;
    connect_rec connect;
    send_rec send;
    deadline_rec connect_deadline;
    deadline_rec send_deadline;
    wire::write_buffer message{64};
    std::array<iovec, 1> iov{};
    int fd = -1;

    explicit cancel_sender(ring::loop& l) : lp(l) {}

    static void start(ring::loop& lp, const sockaddr_storage& peer, socklen_t size, std::int32_t pid,
                      std::int32_t secret) {
        auto* s = new cancel_sender(lp);
        wire::frontend::encode_cancel_request(s->message, pid, secret);
        s->connect.self = s;
        s->send.self = s;
        s->connect_deadline.self = s;
        s->send_deadline.self = s;
        s->connect.on_done = &cancel_sender::connected;
        s->send.complete = &cancel_sender::sent;
        s->connect_deadline.complete = &cancel_sender::deadline_done;
        s->send_deadline.complete = &cancel_sender::deadline_done;
        s->connect_deadline.after = std::chrono::seconds(10);
        s->send_deadline.after = std::chrono::seconds(10);
        const std::error_code ec = ring::async_connect(lp, s->connect, reinterpret_cast<const sockaddr*>(&peer),
                                                       size, &s->connect_deadline);
        if (ec) {
            delete s;
            return;
        }
        s->fd = s->connect.fd;
    }

    static void connected(ring::connect_op& op, int res) {
        cancel_sender* s = static_cast<connect_rec&>(op).self;
        if (res == 0) {
            std::span<const std::byte> bytes[1];
            s->message.pending(bytes, 1);
            s->iov[0] = iovec{const_cast<std::byte*>(bytes[0].data()), bytes[0].size()};
            ring::async_sendmsg(s->lp, s->send, s->fd, std::span<const iovec>(s->iov.data(), 1), &s->send_deadline);
        }
        s->maybe_done();
    }
    static void sent(ring::op_base* op, int, unsigned) { static_cast<send_rec*>(op)->self->maybe_done(); }
    static void deadline_done(ring::op_base* op, int, unsigned) {
        static_cast<deadline_rec*>(op)->self->maybe_done();
    }

    void maybe_done() {
        if (connect.in_flight || send.in_flight || connect_deadline.in_flight || send_deadline.in_flight) {
            return;
        }
        if (fd >= 0) {
            ::close(fd);
        }
        delete this;
    }
};

bool is_query_canceled(const std::error_code& ec) {
    return ec == make_sqlstate_error("57014");
}

}  // namespace

channel::channel(detail::loop_impl& lp, wire::session_options session_options, channel_options options)
    : loop_(lp), session_(std::move(session_options)), options_(std::move(options)) {
    connect_.on_done = &channel::on_connected;
    recv_.on_data = &channel::on_data;
    send_.complete = &channel::on_sent;
    timer_.complete = &channel::on_timer;
    starve_timer_.complete = &channel::on_starve_timer;
    connect_deadline_.complete = &channel::on_ignored;
    connect_.owner = this;
    recv_.owner = this;
    send_.owner = this;
    timer_.owner = this;
    starve_timer_.owner = this;
    connect_deadline_.owner = this;
    loop_.channel_created();
}

channel::~channel() {
    loop_.channel_freed();
    if (current_shared_ != nullptr) {
        detail::release(current_shared_);
    }
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void channel::destroy(channel* c) noexcept {
    if (c == nullptr || c->destroyed_) {
        return;
    }
    c->destroyed_ = true;
    const bool sending_terminate = c->terminating_ && !c->broken_ && (c->sending_ || !c->out_.empty());
    if (!c->broken_) {
        diagnostics d;
        d.client_message = "the connection was closed by the client";
        c->fail_all(make_error_code(errc::connection_closed), d, !sending_terminate);
    }
    if (sending_terminate) {
        c->flush();  // on_sent shuts the socket down once Terminate is out
    } else {
        c->shutdown_socket();
    }
    if (c->timer_.in_flight) {
        c->loop_.ring().cancel(c->timer_);
    }
    if (c->starve_timer_.in_flight) {
        c->loop_.ring().cancel(c->starve_timer_);
    }
    c->loop_.forget(c);
    c->maybe_free();
}

bool channel::kernel_idle() const noexcept {
    return !connect_.in_flight && !connect_deadline_.in_flight && !recv_.in_flight && !send_.in_flight &&
           !timer_.in_flight && !starve_timer_.in_flight;
}

void channel::maybe_free() noexcept {
    if (destroyed_ && !in_feed_ && kernel_idle()) {
        delete this;
    }
}

void channel::start(const sockaddr* addr, socklen_t addr_size, request& r, std::chrono::milliseconds timeout) {
    r.syncs = 0;
    if (timeout.count() > 0) {
        r.deadline = clock::now() + timeout;
    }
    enqueue(r);
    if (addr_size > sizeof(peer_)) {
        fail_all(make_error_code(std::errc::invalid_argument), "invalid server address");
        return;
    }
    std::memcpy(&peer_, addr, addr_size);
    peer_size_ = addr_size;
    ring::linked_timeout* deadline = nullptr;
    if (timeout.count() > 0) {
        connect_deadline_.after = timeout;
        deadline = &connect_deadline_;
    }
    const std::error_code ec = ring::async_connect(loop_.ring(), connect_, addr, addr_size, deadline);
    if (ec) {
        fail_all(ec, "could not create a socket: " + ec.message());
        return;
    }
    fd_ = connect_.fd;
    arm_timer();
}

void channel::on_connected(ring::connect_op& op, int res) {
    channel* c = owner_of(op);
    if (!c->broken_) {
        if (res < 0) {
            const int err = -res;
            if (err == ECANCELED || err == EINTR) {
                c->fail_all(make_error_code(errc::timeout), "timeout expired while connecting to the server");
            } else {
                c->fail_all(std::error_code(err, std::generic_category()),
                            errno_text(err));
            }
        } else if (const std::error_code ec = c->session_.start(c->out_)) {
            c->fail_all(ec, "could not write the startup message: " + ec.message());
        } else {
            c->arm_recv();
            c->flush();
        }
    }
    c->maybe_free();
}

std::error_code channel::usable(diagnostics* diag) const {
    if (!broken_) {
        return {};
    }
    if (diag != nullptr) {
        *diag = broken_diag_;
        if (diag->client_message.empty() && diag->message.empty()) {
            diag->client_message = "the connection is closed";
        }
    }
    return make_error_code(errc::connection_closed);
}

request::~request() {
    if (queued_on != nullptr) {
        queued_on->abandon(*this);
    }
}

void channel::abandon(request& r) noexcept {
    request* stand_in = new (std::nothrow) request();
    request** link = &head_;
    request* prev = nullptr;
    while (*link != nullptr && *link != &r) {
        prev = *link;
        link = &(*link)->next;
    }
    if (*link == nullptr) {
        delete stand_in;
        return;
    }
    if (stand_in == nullptr) {
        // Out of memory: the answers can no longer be matched to their requests.
        *link = r.next;
        if (tail_ == &r) {
            tail_ = prev;
        }
        r.queued_on = nullptr;
        --in_flight_;
        fail_all(make_error_code(errc::connection_closed), "out of memory while abandoning a request");
        return;
    }
    if (recv_paused_) {
        resume_receive();  // nobody takes the rest of the paused result now: swallow it
    }
    stand_in->syncs = r.syncs;
    stand_in->orphan = true;
    stand_in->queued_on = this;
    stand_in->next = r.next;
    *link = stand_in;
    if (tail_ == &r) {
        tail_ = stand_in;
    }
    r.queued_on = nullptr;
    r.next = nullptr;
}

void channel::enqueue(request& r) {
    ++in_flight_;
    r.next = nullptr;
    r.done = false;
    r.queued_on = this;
    if (tail_ != nullptr) {
        tail_->next = &r;
    } else {
        head_ = &r;
    }
    tail_ = &r;
}

void channel::submit(request& r) {
    if (broken_) {
        r.ec = usable(&r.diag);
        complete(r);
        return;
    }
    enqueue(r);
    if (r.deadline != clock::time_point::max() && head_ == &r) {
        arm_timer();
    }
    if (recv_paused_ && head_ != &r) {
        resume_receive();  // its answer comes after the paused result: read on (see pause_receive)
    }
    schedule_flush();
}

void channel::submit_detached(std::uint32_t syncs) {
    auto* r = new request();
    r->syncs = syncs;
    r->orphan = true;
    submit(*r);
}

void channel::write_detached(detached_write write, std::uint32_t syncs) {
    if (broken_) {
        return;
    }
    if (writes_held_) {
        deferred_.emplace_back(std::move(write), syncs);
        return;
    }
    if (write(session_, out_)) {
        submit_detached(syncs);
    }
}

// The detached writes that waited for an exclusive turn to end, in order.
void channel::run_deferred() noexcept {
    std::vector<std::pair<detached_write, std::uint32_t>> pending = std::move(deferred_);
    deferred_.clear();
    for (auto& [write, syncs] : pending) {
        if (broken_) {
            break;
        }
        try {
            if (write(session_, out_)) {
                submit_detached(syncs);
            }
        } catch (...) {
            // Out of memory while writing a ROLLBACK: the server ends the transaction with the
            // connection instead.
        }
    }
}

void channel::schedule_flush() {
    if (!flush_queued_) {
        flush_queued_ = true;
        loop_.want_flush(this);
    }
}

void channel::flush() {
    flush_queued_ = false;
    if (sending_ || out_.empty() || fd_ < 0 || connect_.in_flight || (broken_ && !(terminating_ && destroyed_))) {
        return;
    }
    std::array<std::span<const std::byte>, max_iov> spans;
    const std::size_t n = out_.pending(spans.data(), spans.size());
    for (std::size_t i = 0; i < n; ++i) {
        iov_[i] = iovec{const_cast<std::byte*>(spans[i].data()), spans[i].size()};
    }
    sending_ = true;
    ring::async_sendmsg(loop_.ring(), send_, fd_, std::span<const iovec>(iov_.data(), n));
    // A small send to a server that owes an answer: its completion only frees buffers, so the
    // loop may wait for the answer in the same enter. Not when someone waits for the send
    // itself (back-pressure, Terminate).
    if (out_.pending_bytes() <= quiet_send_limit && head_ != nullptr && !drain_waiter_ && !terminating_) {
        loop_.ring().expect_quiet_completion();
    }
}

void channel::on_sent(ring::op_base* op, int res, unsigned) {
    channel* c = owner_of(static_cast<ring::send_op&>(*op));
    c->sending_ = false;
    if (res < 0) {
        if (!c->broken_) {
            c->fail_all(std::error_code(-res, std::generic_category()),
                        "could not send data to the server: " + errno_text(-res));
        }
    } else {
        c->out_.consume(static_cast<std::size_t>(res));
        if (c->drain_waiter_ && c->out_.pending_bytes() <= c->drain_low_) {
            c->loop_.schedule(std::exchange(c->drain_waiter_, {}));
        }
        if (!c->out_.empty()) {
            c->flush();
        } else if (c->terminating_ && (c->destroyed_ || c->broken_)) {
            c->shutdown_socket();
        }
    }
    c->maybe_free();
}

void channel::arm_recv() {
    if (fd_ < 0 || broken_ || recv_.in_flight || recv_paused_) {
        return;
    }
    ring::async_recv(loop_.ring(), recv_, fd_, loop_.pool());
}

void channel::pause_receive() noexcept {
    if (recv_paused_ || broken_) {
        return;
    }
    recv_paused_ = true;
    if (recv_.in_flight && !recv_pause_cancel_) {
        recv_pause_cancel_ = true;
        loop_.ring().cancel(recv_);  // completes with -ECANCELED (buffers already filled come first)
    }
}

void channel::resume_receive() noexcept {
    if (!recv_paused_) {
        return;
    }
    recv_paused_ = false;
    if (!destroyed_ && !starved_) {
        arm_recv();  // a cancel still in flight: on_data re-arms at its completion
    }
}

void channel::on_data(ring::recv_op& op, int res, ring::buffer_lease lease) {
    channel* c = owner_of(op);
    // The recv's last completion: a cancel by pause_receive() is no longer due.
    const bool pause_cancelled = !op.in_flight && std::exchange(c->recv_pause_cancel_, false);
    if (c->broken_ || c->destroyed_) {
        lease.release();
    } else if (res > 0) {
        c->feed(std::move(lease));
        if (!c->broken_ && !op.in_flight) {
            c->arm_recv();
        }
    } else if (res == -ENOBUFS) {
        // Back-pressure, not an error: try again once a buffer is free (see ring/socket_ops.hpp).
        c->starved_ = true;
        ring::async_timeout(c->loop_.ring(), c->starve_timer_, std::chrono::milliseconds(1));
    } else if (res == -ECANCELED) {
        // pause_receive() cancelled it, and resume_receive() came before this completion: read
        // again. (Other cancels, as the loop's at its end, are not re-armed.)
        if (pause_cancelled && !c->recv_paused_ && !c->starved_) {
            c->arm_recv();
        }
    } else {
        const std::error_code cause = res == 0 ? std::error_code{} : std::error_code(-res, std::generic_category());
        if (c->terminating_) {
            c->fail_all(make_error_code(errc::connection_closed), "the connection was closed by the client");
        } else {
            const wire::event ev = c->session_.connection_lost(cause);
            c->fail_all(ev.ec, c->session_.last_error());
        }
    }
    c->maybe_free();
}

void channel::on_starve_timer(ring::op_base* op, int, unsigned) {
    channel* c = owner_of(static_cast<ring::timeout_op&>(*op));
    if (!c->broken_ && !c->destroyed_ && c->starved_) {
        ring::buffer_pool& pool = c->loop_.pool();
        if (pool.in_use() < pool.buffer_count()) {
            c->starved_ = false;
            c->arm_recv();
        } else {
            ring::async_timeout(c->loop_.ring(), c->starve_timer_, std::chrono::milliseconds(1));
        }
    }
    c->maybe_free();
}

void channel::on_ignored(ring::op_base* op, int, unsigned) {
    owner_of(static_cast<ring::linked_timeout&>(*op))->maybe_free();
}

void channel::feed(ring::buffer_lease lease) {
    current_ = std::move(lease);
    std::span<const std::byte> input = current_.bytes();
    current_begin_ = input.data();
    current_end_ = input.data() + input.size();
    in_feed_ = true;
    while (!broken_) {
        // The rows of the front request straight to it, without building an event per row.
        if (head_ != nullptr && head_->on_row != nullptr) {
            struct target {
                request* r;
                channel* c;
            } t{head_, this};
            session_.take_data_rows(
                input,
                [](void* context, const wire::backend::data_row& row) {
                    auto* x = static_cast<target*>(context);
                    x->r->on_row(*x->r, row, *x->c);
                },
                &t);
        }
        const wire::event ev = session_.consume(input, out_);
        if (ev.kind == wire::event_kind::need_more) {
            break;
        }
        dispatch(ev);
    }
    in_feed_ = false;
    current_begin_ = current_end_ = nullptr;
    if (current_shared_ != nullptr) {
        detail::release(current_shared_);
        current_shared_ = nullptr;
    } else {
        current_.release();
    }
    if (!out_.empty()) {
        schedule_flush();
    }
}

bool channel::may_borrow() const noexcept {
    const ring::buffer_pool& pool = loop_.pool();
    return std::size_t{pool.in_use()} * 4 < std::size_t{pool.buffer_count()} * 3;
}

detail::shared_block* channel::borrow(const std::byte* p, std::size_t n) {
    if (!in_feed_ || p < current_begin_ || p + n > current_end_) {
        return nullptr;
    }
    if (current_shared_ == nullptr) {
        if (!may_borrow()) {
            return nullptr;
        }
        // One record per receive buffer that a result keeps: from the frame cache, not malloc.
        auto* s = new (detail::allocate_frame(sizeof(shared_lease))) shared_lease();
        s->lease = std::move(current_);
        s->drop = [](detail::shared_block* b) noexcept {
            auto* l = static_cast<shared_lease*>(b);
            l->~shared_lease();
            detail::free_frame(l, sizeof(shared_lease));
        };
        current_shared_ = s;
    }
    return current_shared_;
}

void channel::dispatch(const wire::event& ev) {
    using wire::event_kind;
    switch (ev.kind) {
        case event_kind::notice:
            if (options_.on_notice) {
                diagnostics d;
                std::get<wire::backend::error_response>(ev.msg).to_diagnostics(d);
                options_.on_notice(d);
            }
            return;
        case event_kind::notification:
            if (options_.on_notification) {
                const auto& n = std::get<wire::backend::notification_response>(ev.msg);
                options_.on_notification(n.process_id, n.channel, n.payload);
            }
            return;
        case event_kind::parameter_status:
            // During the startup (the front request has syncs 0) the values are the initial ones,
            // which connection::parameter() reports; afterwards each one is a change.
            if (options_.on_parameter_status && (head_ == nullptr || head_->syncs != 0)) {
                const auto& p = std::get<wire::backend::parameter_status>(ev.msg);
                options_.on_parameter_status(p.name, p.value);
            }
            return;
        case event_kind::authenticated:
        case event_kind::backend_key_data:
        case event_kind::need_more:
            return;
        case event_kind::ready:
            if (head_ != nullptr && head_->syncs == 0) {
                finish_front();
            }
            return;
        case event_kind::fatal:
            fail_all(ev.ec, session_.last_error());
            return;
        case event_kind::error:
            if (head_ != nullptr && !head_->ec) {
                head_->ec = ev.ec;
                head_->diag = session_.last_error();
            }
            return;
        case event_kind::ready_for_query:
            if (head_ != nullptr && head_->syncs > 0 && --head_->syncs == 0) {
                finish_front();
            }
            return;
        default:
            if (head_ != nullptr && head_->on_event != nullptr) {
                head_->on_event(*head_, ev, *this);
            }
            return;
    }
}

void channel::finish_front() {
    request* r = head_;
    head_ = r->next;
    if (head_ == nullptr) {
        tail_ = nullptr;
    }
    --in_flight_;
    if (recv_paused_) {
        resume_receive();  // the paused result is complete (see pause_receive)
    }
    if (turn_head_ != nullptr) {
        wake_writers();  // room in the pipeline
    }
    if (r->cancel_sent && is_query_canceled(r->ec)) {
        r->ec = make_error_code(errc::timeout);
        if (r->diag.client_message.empty()) {
            r->diag.client_message = "the statement timed out and was cancelled";
        }
    }
    complete(*r);
    if (head_ != nullptr) {
        arm_timer();
    }
}

void channel::complete(request& r) {
    r.queued_on = nullptr;
    if (r.orphan) {
        delete &r;
        return;
    }
    r.done = true;
    r.next = nullptr;
    if (r.waiter) {
        loop_.schedule(std::exchange(r.waiter, {}));
    }
}

bool channel::write_turn_awaiter::await_ready() noexcept {
    if (c_.broken_ || c_.writes_free()) {
        if (exclusive_ && !c_.broken_) {
            c_.writes_held_ = true;
        }
        return true;
    }
    return false;
}

void channel::write_turn_awaiter::await_suspend(std::coroutine_handle<> h) noexcept {
    handle_ = h;
    queued_ = true;
    next_ = nullptr;
    if (c_.turn_tail_ != nullptr) {
        c_.turn_tail_->next_ = this;
    } else {
        c_.turn_head_ = this;
    }
    c_.turn_tail_ = this;
}

channel::write_turn_awaiter::~write_turn_awaiter() {
    if (queued_) {
        write_turn_awaiter** p = &c_.turn_head_;
        write_turn_awaiter* prev = nullptr;
        while (*p != nullptr && *p != this) {
            prev = *p;
            p = &(*p)->next_;
        }
        if (*p == this) {
            *p = next_;
            if (c_.turn_tail_ == this) {
                c_.turn_tail_ = prev;
            }
        }
    } else if (!resumed_) {
        if (counted_) {
            --c_.woken_;
        }
        if (granted_) {
            c_.release_writes();  // destroyed before it could use the turn it was given
        } else {
            c_.wake_writers();
        }
    }
}

void channel::release_writes() noexcept {
    writes_held_ = false;
    if (!deferred_.empty()) {
        run_deferred();
    }
    wake_writers();
}

// Lets waiting writers through in order, up to and including the first exclusive one, which
// takes the write side at once so that later arrivals queue behind it.
void channel::wake_writers() noexcept {
    while (turn_head_ != nullptr &&
           (broken_ || (!writes_held_ && (depth_limit_ == 0 || in_flight_ + woken_ < depth_limit_)))) {
        write_turn_awaiter* w = turn_head_;
        turn_head_ = w->next_;
        if (turn_head_ == nullptr) {
            turn_tail_ = nullptr;
        }
        w->queued_ = false;
        if (w->exclusive_ && !broken_) {
            writes_held_ = true;
            w->granted_ = true;
        }
        if (!broken_) {
            w->counted_ = true;
            ++woken_;
        }
        loop_.schedule(w->handle_);
    }
}

void channel::fail_all(std::error_code ec, std::string message) {
    diagnostics d;
    d.client_message = std::move(message);
    fail_all(ec, d);
}

void channel::fail_all(std::error_code ec, const diagnostics& diag, bool shutdown) {
    const bool first = !broken_;
    if (!broken_) {
        broken_ = true;
        broken_ec_ = ec;
        broken_diag_ = diag;
    }
    if (drain_waiter_) {
        loop_.schedule(std::exchange(drain_waiter_, {}));
    }
    wake_writers();
    while (head_ != nullptr) {
        request* r = head_;
        head_ = r->next;
        --in_flight_;
        if (r->cancel_sent || (ec == errc::timeout)) {
            r->ec = make_error_code(errc::timeout);
        } else {
            r->ec = ec;
        }
        r->diag = diag;
        complete(*r);
    }
    tail_ = nullptr;
    if (shutdown) {
        shutdown_socket();
    }
    if (timer_.in_flight) {
        loop_.ring().cancel(timer_);
    }
    if (first && options_.on_closed) {
        options_.on_closed(broken_diag_);
    }
}

void channel::shutdown_socket() noexcept {
    if (connect_.in_flight) {
        loop_.ring().cancel(connect_);
    }
    if (fd_ >= 0) {
        // Ends the armed recv (EOF) and any send (EPIPE) in the kernel; the fd is closed with the
        // channel, after their completions, so no op ever sees a reused descriptor.
        ::shutdown(fd_, SHUT_RDWR);
    }
}

void channel::terminate() {
    if (broken_ || terminating_) {
        return;
    }
    session_.terminate(out_);
    terminating_ = true;
    flush();
}

void channel::send_cancel() {
    if (peer_size_ == 0 || broken_) {
        return;
    }
    const auto& key = session_.backend_key();
    cancel_sender::start(loop_.ring(), peer_, peer_size_, key.process_id, key.secret_key);
}

void channel::arm_timer() {
    if (broken_ || destroyed_) {
        return;
    }
    clock::time_point at = clock::time_point::max();
    if (head_ != nullptr) {
        at = head_->cancel_sent ? head_->grace_deadline : head_->deadline;
    }
    if (timer_.in_flight) {
        if (timer_at_ > at) {
            loop_.ring().cancel(timer_);  // on_timer re-arms at the earlier deadline
        }
        return;
    }
    if (at == clock::time_point::max()) {
        return;
    }
    timer_at_ = at;
    ring::async_timeout(loop_.ring(), timer_, at - clock::now());
}

void channel::on_timer(ring::op_base* op, int, unsigned) {
    channel* c = owner_of(static_cast<ring::timeout_op&>(*op));
    c->timer_at_ = clock::time_point::max();
    if (!c->broken_ && !c->destroyed_) {
        c->check_deadlines();
        c->arm_timer();
    }
    c->maybe_free();
}

void channel::check_deadlines() {
    request* r = head_;
    if (r == nullptr) {
        return;
    }
    const clock::time_point now = clock::now();
    if (!r->cancel_sent && r->deadline <= now) {
        if (r->syncs == 0) {
            fail_all(make_error_code(errc::timeout), "timeout expired while connecting to the server");
            return;
        }
        r->cancel_sent = true;
        r->grace_deadline = now + options_.cancel_grace;
        send_cancel();
    } else if (r->cancel_sent && r->grace_deadline <= now) {
        fail_all(make_error_code(errc::timeout),
                 "the statement timed out and the server did not answer the cancel request; the connection "
                 "is closed");
    }
}

}  // namespace pgring::driver
