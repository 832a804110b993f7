package codec

import (
	"strings"
	"syscall"
	"testing"
	"time"
)

// Go-side cost of Encode/Decode per codec for a ~100 B and a ~100 KB value.
// Besides ns/op (wall time) each reports cpu-ns/op, the process's CPU time
// per call (the garbage collector's included): on a machine loaded by
// other work the wall time measures the load as much as the code, and
// parity/bench_values.py compares CPU times with django-redis's.
func BenchmarkCodec(b *testing.B) {
	values := map[string]Value{
		"small": Dict{{"user", "alice"}, {"roles", List{"admin", "dev"}}, {"ok", true}, {"score", 1.5}, {"id", int64(123456)}},
		"large": Dict{{"blob", strings.Repeat("lorem ipsum dolor sit amet ", 3800)}, {"n", int64(1)}},
	}
	for sName, ser := range serializerPaths {
		for cName, comp := range compressorPaths {
			c, err := New(ser, comp, nil)
			if err != nil {
				b.Fatal(err)
			}
			for vName, v := range values {
				enc, err := c.Encode(v)
				if err != nil {
					b.Fatal(err)
				}
				prefix := sName + "/" + cName + "/" + vName
				b.Run(prefix+"/encode", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					loopWithCPU(b, func() error { _, err := c.Encode(v); return err })
				})
				// What SetValue does: the bytes in the codec's buffer, read
				// (by go-redis's writer) and dropped.
				b.Run(prefix+"/encode-set", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					loopWithCPU(b, func() error { return c.EncodeWith(v, func([]byte) error { return nil }) })
				})
				b.Run(prefix+"/decode", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					loopWithCPU(b, func() error { _, err := c.Decode(enc); return err })
				})
				// What GetValue does: the reply is a string, which the
				// decoded text shares.
				reply := string(enc)
				b.Run(prefix+"/decode-get", func(b *testing.B) {
					b.SetBytes(int64(len(enc)))
					loopWithCPU(b, func() error { _, err := c.DecodeString(reply); return err })
				})
			}
		}
	}
}

func loopWithCPU(b *testing.B, op func() error) {
	start := cpuTime(b)
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(b.N), "cpu-ns/op")
}

func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecodeLoadable is a get_many value through the shim: a small
// pickle of bytes, checked and handed on as itself.
func BenchmarkDecodeLoadable(b *testing.B) {
	c, err := New("", "", nil)
	if err != nil {
		b.Fatal(err)
	}
	stored, err := c.Encode(make([]byte, 100))
	if err != nil {
		b.Fatal(err)
	}
	s := string(stored)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DecodeLoadable(s); err != nil {
			b.Fatal(err)
		}
	}
}
