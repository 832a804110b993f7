package codec

import (
	"bytes"
	"encoding/binary"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// readBounded reads r to its end into one buffer of at most max bytes:
// ErrTooLarge past max, errNotCompressed when r fails. hint is the
// expected size (a header's claim, or a guess): the buffer starts there
// and grows by filled chunks, so a bomb costs max bytes plus one chunk,
// never a doubled buffer.
func readBounded(r io.Reader, max int64, hint int, name string) ([]byte, error) {
	limit := max + 1
	if int64(hint) > limit || hint <= 0 {
		hint = int(min(limit, 64<<10))
	}
	buf := make([]byte, 0, hint)
	var full [][]byte // filled chunks, before buf
	total := int64(0)
	for {
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, errNotCompressed
		}
		// buf is full: the next chunk as large as all read so far.
		total += int64(len(buf))
		if total >= limit {
			return nil, tooLarge(max, name)
		}
		full = append(full, buf)
		buf = make([]byte, 0, min(total, limit-total))
	}
	if total+int64(len(buf)) > max {
		return nil, tooLarge(max, name)
	}
	if len(full) == 0 {
		return buf, nil
	}
	out := make([]byte, 0, total+int64(len(buf)))
	for _, c := range full {
		out = append(out, c...)
	}
	return append(out, buf...), nil
}

// A guess for a stream that does not say its size: text values shrink 3
// to 10 times; a wrong guess costs one more chunk.
func sizeGuess(compressed int) int { return 4*compressed + 512 }

func zlibDecompress(max int64) func([]byte) ([]byte, error) {
	var pool sync.Pool
	return func(b []byte) ([]byte, error) {
		src := bytes.NewReader(b)
		r, _ := pool.Get().(io.ReadCloser)
		var err error
		if r == nil {
			r, err = zlib.NewReader(src)
		} else {
			err = r.(zlib.Resetter).Reset(src, nil)
		}
		if err != nil {
			return nil, errNotCompressed
		}
		defer pool.Put(r)
		return readBounded(r, max, sizeGuess(len(b)), "zlib")
	}
}

func gzipDecompress(max int64) func([]byte) ([]byte, error) {
	var pool sync.Pool
	return func(b []byte) ([]byte, error) {
		src := bytes.NewReader(b)
		r, _ := pool.Get().(*gzip.Reader)
		var err error
		if r == nil {
			r, err = gzip.NewReader(src)
		} else {
			err = r.Reset(src)
		}
		if err != nil {
			return nil, errNotCompressed
		}
		defer pool.Put(r)
		hint := sizeGuess(len(b))
		if len(b) >= 18 { // ISIZE, the size mod 2^32 of the last member
			if n := int(binary.LittleEndian.Uint32(b[len(b)-4:])); n > 0 {
				hint = n + 1 // +1: the read that sees the end
			}
		}
		return readBounded(r, max, hint, "gzip")
	}
}

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

func lzmaDecompress(max int64) func([]byte) ([]byte, error) {
	return func(b []byte) ([]byte, error) {
		// The Go readers allocate the dictionary a header asks for:
		// headers are vetted first (lzma_header.go).
		var r io.Reader
		var err error
		if bytes.HasPrefix(b, xzMagic) {
			if err := checkXZ(b, max); err != nil {
				return nil, err
			}
			r, err = xz.NewReader(bytes.NewReader(b))
		} else {
			if err := checkAloneHeader(b, max); err != nil {
				return nil, err
			}
			r, err = lzma.NewReader(bytes.NewReader(b))
		}
		if err != nil {
			return nil, errNotCompressed
		}
		return readBounded(r, max, sizeGuess(len(b)), "lzma")
	}
}
