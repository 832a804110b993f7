// Command gothreads is the Go side of scripts/bench_threads.sh: GETs of 100
// bytes from many goroutines sharing one core.Cache, with the process's CPU
// per GET. It prints the line bench/threads.c prints, so that the two sit in
// one table.
//
//	gothreads ENTRY.json THREADS SECONDS
//
// Goroutine i reads key "t<i>", written beforehand.
package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/redisclient/redisclient/core"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "gothreads:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: gothreads ENTRY.json THREADS SECONDS")
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 1 {
		return fmt.Errorf("THREADS %q: want a positive number", args[1])
	}
	secs, err := strconv.ParseFloat(args[2], 64)
	if err != nil || secs <= 0 {
		return fmt.Errorf("SECONDS %q: want a positive number", args[2])
	}
	e, err := core.ParseEntry(text)
	if err != nil {
		return err
	}
	cache, err := core.Open(e)
	if err != nil {
		return err
	}
	defer cache.Close()
	ctx := context.Background()
	value := bytes.Repeat([]byte{'v'}, 100)
	for i := range n {
		if err := cache.Set(ctx, "t"+strconv.Itoa(i), value, core.NeverExpire); err != nil {
			return err
		}
	}

	var stop atomic.Bool
	var ops atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func(key string) {
			defer wg.Done()
			<-start
			var done int64
			for !stop.Load() {
				v, ok, err := cache.Get(ctx, key)
				if err != nil || !ok || len(v) != len(value) {
					errs <- fmt.Errorf("get %s: found %v, %d bytes: %v", key, ok, len(v), err)
					return
				}
				done++
			}
			ops.Add(done)
		}("t" + strconv.Itoa(i))
	}
	time.Sleep(100 * time.Millisecond)
	cpu0, t0 := cpuTime(), time.Now()
	close(start)
	time.Sleep(time.Duration(secs * float64(time.Second)))
	stop.Store(true)
	elapsed, cpu := time.Since(t0), cpuTime()-cpu0
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	total := ops.Load()
	fmt.Printf("ops_per_s=%.0f cpu_us_per_op=%.1f\n", float64(total)/elapsed.Seconds(), float64(cpu.Microseconds())/float64(max(total, 1)))
	return nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
