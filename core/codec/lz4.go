package codec

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/pierrec/lz4/v4"
)

var lz4Magic = []byte{0x04, 0x22, 0x4d, 0x18}

func lz4Decompress(max int64) decompressFunc {
	pool := sync.Pool{New: func() any { return lz4.NewReader(nil) }}
	return func(b []byte, read func([]byte, bool) (Value, error)) (Value, error) {
		// lz4.frame.decompress rejects anything that is not a frame;
		// pierrec's reader must be made to check the magic up front.
		if !bytes.HasPrefix(b, lz4Magic) {
			return nil, errNotCompressed
		}
		r := pool.Get().(*lz4.Reader)
		defer pool.Put(r)
		r.Reset(bytes.NewReader(b))
		// lz4.frame.compress stores the content size: read the header
		// (an empty read) to learn it.
		if _, err := r.Read(nil); err != nil && !errors.Is(err, io.EOF) {
			return nil, errNotCompressed
		}
		hint := sizeGuess(len(b))
		if n := r.Size(); n > 0 {
			hint = n + 1
		}
		return readFresh(r, max, hint, "lz4", read)
	}
}

// lz4Compress writes frames as lz4.frame.compress does by default: 64 KiB
// blocks, the content size stored, no content or block checksum.
func lz4Compress() compressFunc {
	type state struct {
		w   *lz4.Writer
		out bytes.Buffer
	}
	return pooled(func() *state { return &state{w: lz4.NewWriter(nil)} }, func(s *state, b []byte) ([]byte, error) {
		s.out.Reset()
		s.w.Reset(&s.out)
		if err := s.w.Apply(lz4.BlockSizeOption(lz4.Block64Kb), lz4.ChecksumOption(false),
			lz4.BlockChecksumOption(false), lz4.SizeOption(uint64(len(b)))); err != nil {
			return nil, err
		}
		return finish(&s.out, s.w, b)
	})
}
