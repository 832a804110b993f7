package core

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// A server that stops answering (a hung process, a lost network) must cost
// one socket timeout, not one for every call and every retry: left alone,
// go-redis sends each call to it again, each waits its own socket_timeout,
// and a cluster keeps routing a failed-over primary's slots to it until its
// retry loop ends. nodeGuard sits on each server's client (the standalone
// client, every node of a cluster). After a timeout it marks the server
// unanswered: one call at a time still goes to it as a trial, bounded by
// its socket timeout, and the others fail at once with ErrConnection; the
// first reply clears the mark. The trial is a real call, so a server that
// was only busy serves again with the first call after it is free. In a
// cluster every connection error, CLUSTERDOWN or refusal also asks for the
// slot map, so calls follow a failover as soon as the cluster has promoted
// a replica.
type nodeGuard struct {
	addr   string // as the user knows it, for the error
	reload func() // nil in standalone mode

	unanswered atomic.Bool
	trial      atomic.Bool // a call to the unanswered server is in flight
}

// guard installs a nodeGuard on a server's client.
func guard(client *redis.Client, addr string, reload func()) {
	client.AddHook(&nodeGuard{addr: addr, reload: reload})
}

func (g *nodeGuard) DialHook(next redis.DialHook) redis.DialHook { return next }

func (g *nodeGuard) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		ctx, trial, err := g.admit(ctx)
		if err != nil {
			return err
		}
		err = next(ctx, cmd)
		g.after(ctx, trial, err)
		return err
	}
}

func (g *nodeGuard) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		ctx, trial, err := g.admit(ctx)
		if err != nil {
			return err
		}
		err = next(ctx, cmds)
		g.after(ctx, trial, err)
		return err
	}
}

// admit lets a call through, as the trial when the server is unanswered,
// or refuses it. A refusal in a cluster asks for the slot map: the slot may
// have moved since the last reload. The commands that set up the trial's
// new connection (AUTH, SELECT, ...) pass through this hook too, with the
// trial's context.
func (g *nodeGuard) admit(ctx context.Context) (_ context.Context, trial bool, err error) {
	if !g.unanswered.Load() || ctx.Value(trialKey{}) == g {
		return ctx, false, nil
	}
	// A cluster call waits at most once: its retries would wait again.
	call, _ := ctx.Value(callKey{}).(*budgetedCall)
	if (call == nil || !call.tried.Load()) && g.trial.CompareAndSwap(false, true) {
		if call != nil {
			call.tried.Store(true)
		}
		return context.WithValue(ctx, trialKey{}, g), true, nil
	}
	if g.reload != nil {
		g.reload()
	}
	return ctx, false, &unansweredError{addr: g.addr}
}

// trialKey marks the context of a server's trial call.
type trialKey struct{}

func (g *nodeGuard) after(ctx context.Context, trial bool, err error) {
	switch {
	case answered(err):
		// Loaded first: a store on every call would bounce the flag's
		// cache line between the threads that share the client.
		if g.unanswered.Load() {
			g.unanswered.Store(false)
		}
	// A deadline of the caller's own says nothing about the server.
	case isTimeout(err) && ctx.Err() == nil:
		g.unanswered.Store(true)
	}
	if trial {
		g.trial.Store(false)
	}
	if err == nil {
		return
	}
	// The budget's own expiry is not the cause it reports. A call that
	// waited once for a server does not wait again as its trial.
	if call, ok := ctx.Value(callKey{}).(*budgetedCall); ok && ctx.Err() == nil {
		call.last.Store(&err)
		if isTimeout(err) {
			call.tried.Store(true)
		}
	}
	if g.reload != nil && (isConnectionError(err) || isClusterDown(err)) {
		g.reload()
	}
}

// answered: the server replied, if only with an error or a miss.
func answered(err error) bool {
	var rerr redis.Error
	return err == nil || err == redis.Nil || errors.As(err, &rerr)
}

// unansweredError is a call refused because its server has not answered
// since a call to it timed out.
type unansweredError struct{ addr string }

func (e *unansweredError) Error() string {
	return e.addr + " stopped answering (a call timed out); calls to it fail at once until it answers again"
}

// isTimeout: the server did not answer (or accept) within its timeout. A
// full local pool is not the server's fault.
func isTimeout(err error) bool {
	if errors.Is(err, redis.ErrPoolTimeout) {
		return false
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout() ||
		errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded)
}

// clusterReloader asks a cluster client for its slot map after a failure,
// at most once per reloadEvery: go-redis alone reloads it only every 60 s
// or after a MOVED, so a dead primary's slots would keep going to it.
type clusterReloader struct {
	cluster *redis.ClusterClient
	last    atomic.Int64 // unix nanoseconds of the last reload asked for
}

const reloadEvery = 200 * time.Millisecond

func (r *clusterReloader) reload() {
	now, last := time.Now().UnixNano(), r.last.Load()
	if now-last > int64(reloadEvery) && r.last.CompareAndSwap(last, now) {
		r.cluster.ReloadState(context.Background())
	}
}

// callBudget bounds a cluster call, retries included. go-redis retries a
// refused node, CLUSTERDOWN and the like up to cluster_error_retry_attempts
// times with growing pauses: through a failover window that is seconds of
// waiting, where the promise is socket_connect_timeout + 2 x socket_timeout.
// No new attempt starts after the budget (connect + socket timeout), and the
// attempt in flight then is bounded by its own socket timeout.
type callBudget struct{ budget time.Duration }

// callKey holds a call's budgetedCall, where the node guards leave the
// last failure: the budget's own expiry says nothing about the cause.
type callKey struct{}

type budgetedCall struct {
	last  atomic.Pointer[error]
	tried atomic.Bool // the call has waited for a server once
}

func (b callBudget) DialHook(next redis.DialHook) redis.DialHook { return next }

func (b callBudget) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		bctx, call, cancel := b.start(ctx)
		defer cancel()
		err := next(bctx, cmd)
		if e := b.explain(ctx, bctx, call, err); e != err {
			cmd.SetErr(e)
			err = e
		}
		return err
	}
}

func (b callBudget) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		bctx, call, cancel := b.start(ctx)
		defer cancel()
		err := next(bctx, cmds)
		for _, cmd := range cmds {
			if e := b.explain(ctx, bctx, call, cmd.Err()); e != cmd.Err() {
				cmd.SetErr(e)
			}
		}
		return b.explain(ctx, bctx, call, err)
	}
}

func (b callBudget) start(ctx context.Context) (context.Context, *budgetedCall, context.CancelFunc) {
	call := &budgetedCall{}
	bctx, cancel := context.WithTimeout(ctx, b.budget)
	return context.WithValue(bctx, callKey{}, call), call, cancel
}

// explain replaces the budget's expiry with what made the call run out.
func (b callBudget) explain(ctx, bctx context.Context, call *budgetedCall, err error) error {
	if err == nil || bctx.Err() == nil || ctx.Err() != nil || !errors.Is(err, bctx.Err()) {
		return err
	}
	if last := call.last.Load(); last != nil {
		return &budgetError{budget: b.budget, last: *last}
	}
	return &budgetError{budget: b.budget, last: err}
}

// budgetError is a cluster call that gave up retrying.
type budgetError struct {
	budget time.Duration
	last   error
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("no answer within %v (socket_connect_timeout + socket_timeout), retries included; last error: %v", e.budget, e.last)
}

func (e *budgetError) Unwrap() error { return e.last }
