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
// ErrTooLarge past max, errNotCompressed when r fails. It fills into
// first when into has room for hint, the expected size (a header's claim,
// or a guess); else the buffer starts at hint. A full buffer is followed
// by chunks as large as all read so far, joined at the end, so a bomb
// costs max bytes plus one chunk, never a doubled buffer.
func readBounded(r io.Reader, max int64, into []byte, hint int, name string) ([]byte, error) {
	limit := max + 1
	if int64(hint) > limit || hint <= 0 {
		hint = int(min(limit, 64<<10))
	}
	buf := into[:0:min(int64(cap(into)), limit)]
	if cap(buf) < hint {
		buf = make([]byte, 0, hint)
	}
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
	// One byte of room: reused, the buffer then holds the same value
	// again without the read that sees the end making it "full".
	out := make([]byte, 0, total+int64(len(buf))+1)
	for _, c := range full {
		out = append(out, c...)
	}
	return append(out, buf...), nil
}

// outPool keeps a Codec's buffers for decompressed bytes whose size the
// stream does not say (zlib, xz): read into a reused buffer, a value is
// neither a join of chunks nor a fresh buffer of its size besides what
// the deserialized value copies out of it.
type outPool struct{ pool sync.Pool }

// read reads r as readBounded does into a pooled buffer and hands it to
// use, not shared; a buffer too large to keep is the call's own, shared.
func (o *outPool) read(r io.Reader, max int64, hint int, name string, use func([]byte, bool) (Value, error)) (Value, error) {
	p, _ := o.pool.Get().(*[]byte)
	if p == nil {
		p = new([]byte)
	}
	out, err := readBounded(r, max, *p, hint, name)
	if err != nil {
		o.pool.Put(p)
		return nil, err
	}
	if cap(out) > maxScratch {
		o.pool.Put(p)
		return use(out, true)
	}
	defer func() { *p = out[:0]; o.pool.Put(p) }()
	return use(out, false)
}

// readFresh reads a stream that says its size into a buffer of that size,
// the call's own: the value shares it rather than copy it out.
func readFresh(r io.Reader, max int64, hint int, name string, use func([]byte, bool) (Value, error)) (Value, error) {
	out, err := readBounded(r, max, nil, hint, name)
	if err != nil {
		return nil, err
	}
	return use(out, true)
}

// A guess for a stream that does not say its size: text values shrink 3
// to 10 times; a wrong guess costs one more chunk.
func sizeGuess(compressed int) int { return 4*compressed + 512 }

func zlibDecompress(max int64) decompressFunc {
	var pool sync.Pool
	var out outPool
	return func(b []byte, read func([]byte, bool) (Value, error)) (Value, error) {
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
		return out.read(r, max, sizeGuess(len(b)), "zlib", read)
	}
}

func gzipDecompress(max int64) decompressFunc {
	var pool sync.Pool
	return func(b []byte, read func([]byte, bool) (Value, error)) (Value, error) {
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
		return readFresh(r, max, hint, "gzip", read)
	}
}

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

func lzmaDecompress(max int64) decompressFunc {
	var out outPool
	return func(b []byte, read func([]byte, bool) (Value, error)) (Value, error) {
		// The Go readers allocate the dictionary a header asks for:
		// headers are vetted first (lzma_header.go).
		var r io.Reader
		var err error
		if bytes.HasPrefix(b, xzMagic) {
			if err := checkXZ(b, max); err != nil {
				return nil, err
			}
			// DictCap is a floor: the smallest lets the header's size
			// rule, where the default would allocate 8 MiB for any value.
			r, err = xz.ReaderConfig{DictCap: lzma.MinDictCap}.NewReader(bytes.NewReader(b))
		} else {
			if err := checkAloneHeader(b, max); err != nil {
				return nil, err
			}
			r, err = lzma.NewReader(bytes.NewReader(b))
		}
		if err != nil {
			return nil, errNotCompressed
		}
		return out.read(r, max, sizeGuess(len(b)), "lzma", read)
	}
}
