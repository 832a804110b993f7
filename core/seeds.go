package core

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// seedProber finds the cluster's slot map by asking every known node at once
// and taking the first answer. go-redis alone asks one seed after another,
// so a seed that accepts connections but never answers costs a whole socket
// timeout (or two) before the next is tried; here it costs nothing while any
// node answers, and at most one connect timeout when none does.
type seedProber struct {
	seeds   []string
	timeout time.Duration // connect timeout: bounds dial, handshake and answer
	client  func(addr string) *redis.Client

	mu    sync.Mutex
	known []string // nodes of the last slot map, so later reloads outlive the seeds
}

func (p *seedProber) clusterSlots(ctx context.Context) ([]redis.ClusterSlot, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	addrs := p.candidates()
	type answer struct {
		slots []redis.ClusterSlot
		err   error
	}
	answers := make(chan answer, len(addrs))
	for _, addr := range addrs {
		go func() {
			c := p.client(addr)
			defer c.Close()
			slots, err := c.ClusterSlots(ctx).Result()
			answers <- answer{withHost(slots, addr), err}
		}()
	}
	var errs []error
	for range addrs {
		a := <-answers
		if a.err == nil && len(a.slots) > 0 {
			p.remember(a.slots)
			return a.slots, nil
		}
		if a.err == nil {
			a.err = errors.New("CLUSTER SLOTS answered no slots")
		}
		errs = append(errs, a.err)
	}
	return nil, errors.Join(errs...)
}

// restoreHost undoes a go-redis quirk: given a slot map by ClusterSlots it
// blanks the host of every loopback node address (":7000"), meaning to
// replace it with the host that answered, which it does not know. The node
// is found again by its port among the nodes of the last map.
func (p *seedProber) restoreHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return addr
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, known := range p.known {
		if _, knownPort, _ := net.SplitHostPort(known); knownPort == port {
			return known
		}
	}
	return addr
}

func (p *seedProber) candidates() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := make(map[string]bool, len(p.seeds)+len(p.known))
	var addrs []string
	for _, list := range [][]string{p.seeds, p.known} {
		for _, a := range list {
			if !seen[a] {
				seen[a] = true
				addrs = append(addrs, a)
			}
		}
	}
	return addrs
}

func (p *seedProber) remember(slots []redis.ClusterSlot) {
	var addrs []string
	for _, s := range slots {
		for _, n := range s.Nodes {
			addrs = append(addrs, n.Addr)
		}
	}
	p.mu.Lock()
	p.known = addrs
	p.mu.Unlock()
}

// withHost fills in the host a node leaves out of CLUSTER SLOTS (it does not
// know the address it is reached by) with the host of the node that answered,
// as go-redis does for its own slot loading.
func withHost(slots []redis.ClusterSlot, answeredBy string) []redis.ClusterSlot {
	origin, _, err := net.SplitHostPort(answeredBy)
	if err != nil {
		return slots
	}
	for i := range slots {
		for j, n := range slots[i].Nodes {
			if host, port, err := net.SplitHostPort(n.Addr); err == nil && (host == "" || host == "?") {
				slots[i].Nodes[j].Addr = net.JoinHostPort(origin, port)
			}
		}
	}
	return slots
}
