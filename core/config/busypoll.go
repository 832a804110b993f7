package config

import (
	"fmt"
	"math"
	"time"
)

// OPTIONS.BUSY_POLL is how long a read keeps asking the socket for a reply
// before it sleeps; core/busypoll.go has the polling and why.

// DefaultBusyPoll is OPTIONS.BUSY_POLL's default. A budget that replies
// straddle is the worst case: polling then takes CPU from the servers (when
// they share the machine) without catching the reply. On the 2-vCPU test
// machine a cluster SET, which the primary also sends to its replica, is
// answered in 40 to 60 µs; with 50 µs it took 58 to 89 µs, with 100 µs 43.
const DefaultBusyPoll = 100 * time.Microsecond

// maxBusyPoll bounds BUSY_POLL: past a millisecond, sleeping is cheaper.
const maxBusyPoll = time.Millisecond

// busyPoll reads OPTIONS.BUSY_POLL: whole microseconds, 0 turns it off.
func busyPoll(o EntryOptions) (time.Duration, error) {
	v := o.BusyPoll
	if v == nil {
		return DefaultBusyPoll, nil
	}
	var us float64
	switch x := v.(type) {
	case int:
		us = float64(x)
	case int64:
		us = float64(x)
	case float64:
		us = x
	default:
		return 0, SettingError("OPTIONS.BUSY_POLL", v, "must be a whole number of microseconds")
	}
	if us != math.Trunc(us) || us < 0 || us > float64(maxBusyPoll/time.Microsecond) {
		return 0, SettingError("OPTIONS.BUSY_POLL", v, fmt.Sprintf("must be a whole number of microseconds from 0 (off) to %d", maxBusyPoll/time.Microsecond))
	}
	return time.Duration(us) * time.Microsecond, nil
}
