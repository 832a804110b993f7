// Command benchnative is the native side of wasm/js/bench.mjs: the same
// encode and decode of the same values by core/codec compiled for the host,
// so that the module's figures have their baseline from the same run.
// stdin: {"entry": CACHES entry, "value": value JSON, "n": rounds};
// stdout: {"encode_ns": per call, "decode_ns": per call, "stored": bytes}.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/redisclient/redisclient/core/codec"
	"github.com/redisclient/redisclient/core/config"
)

type request struct {
	Entry json.RawMessage `json:"entry"`
	Value json.RawMessage `json:"value"`
	N     int             `json:"n"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchnative:", err)
		os.Exit(1)
	}
}

func run() error {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	e, err := config.ParseEntry(req.Entry)
	if err != nil {
		return err
	}
	c, err := config.EntryCodec(e)
	if err != nil {
		return err
	}
	// Value JSON in and out on both sides, as the module takes and gives it.
	var stored []byte
	start := time.Now()
	for range req.N {
		v, err := codec.UnmarshalValueJSON(req.Value)
		if err != nil {
			return err
		}
		if stored, err = c.Encode(v); err != nil {
			return err
		}
	}
	encode := time.Since(start)
	start = time.Now()
	for range req.N {
		v, err := c.Decode(stored)
		if err != nil {
			return err
		}
		if _, err := codec.MarshalValueJSON(v); err != nil {
			return err
		}
	}
	decode := time.Since(start)
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"encode_ns": encode.Nanoseconds() / int64(req.N), "decode_ns": decode.Nanoseconds() / int64(req.N), "stored": len(stored),
	})
}
