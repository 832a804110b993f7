package codec

import (
	"errors"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// One encoder and one decoder per Codec, made on first use: EncodeAll and
// DecodeAll are safe for concurrent use, and building either costs far
// more than a small value. DecodeAll reads the frame's content size and
// decodes into one buffer of that size, bounded by the Codec's limit.

func zstdCompress() compressFunc {
	// pyzstd writes no checksum (libzstd's default); the content size,
	// as here, is in the frame header.
	encoder := sync.OnceValues(func() (*zstd.Encoder, error) {
		return zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderCRC(false))
	})
	type state struct{ out []byte }
	return pooled(func() *state { return new(state) }, func(s *state, b []byte) ([]byte, error) {
		enc, err := encoder()
		if err != nil {
			return nil, err
		}
		s.out = enc.EncodeAll(b, s.out[:0])
		return s.out, nil
	})
}

func zstdDecompress(max int64) decompressFunc {
	decoder := sync.OnceValues(func() (*zstd.Decoder, error) {
		return zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(uint64(max)))
	})
	return func(b []byte, read func([]byte, bool) (Value, error)) (Value, error) {
		dec, err := decoder()
		if err != nil {
			return nil, err
		}
		out, err := dec.DecodeAll(b, nil)
		switch {
		// A window past the limit is refused before anything is
		// allocated: only a frame of more than the limit needs one.
		case errors.Is(err, zstd.ErrDecoderSizeExceeded), errors.Is(err, zstd.ErrWindowSizeExceeded):
			return nil, tooLarge(max, "zstd")
		case err != nil:
			return nil, errNotCompressed
		}
		return read(out, true)
	}
}
