package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"
)

// ErrTooLarge is returned when a value decompresses past the codec's
// MaxDecodedSize (a decompression bomb, or a limit set too low).
var ErrTooLarge = errors.New("codec: decompressed value exceeds the size limit")

// DefaultMaxDecodedSize bounds decompression unless OPTIONS sets another.
const DefaultMaxDecodedSize = 512 << 20

// compressor mirrors one django_redis.compressors class. minLength is the
// class's min_length: values of at most that many bytes are stored as they
// are (django-redis compresses only when len(value) > min_length).
//
// newCompress and newDecompress make the functions of one Codec: the
// writers, readers and decoders they reuse belong to that Codec (and its
// decoded-size limit), not to the process. nil means identity.
type compressor struct {
	name          string
	minLength     int
	newCompress   func() compressFunc
	newDecompress func(max int64) decompressFunc

	compress   compressFunc
	decompress decompressFunc
}

// A decompressFunc hands read the decompressed bytes, or returns
// errNotCompressed before calling it. shared says the bytes are this
// call's own, never written again, which the value may share (see
// shared.go); otherwise they are a buffer the decompressor reuses once
// read returns, and the value must copy what it keeps.
type decompressFunc func(b []byte, read func(raw []byte, shared bool) (Value, error)) (Value, error)

// A compressFunc hands use the compressed bytes, in a buffer of its own
// that it reuses once use returns.
type compressFunc func(b []byte, use func([]byte) error) error

var compressors = map[string]compressor{
	"django_redis.compressors.identity.IdentityCompressor": {name: "identity"},
	// zlib.compress(value, 6); zlib.decompress
	"django_redis.compressors.zlib.ZlibCompressor": {name: "zlib", minLength: 15,
		newCompress: func() compressFunc {
			return pooledWriter(func() resettableWriter { w, _ := zlib.NewWriterLevel(nil, 6); return w })
		},
		newDecompress: zlibDecompress},
	// gzip.compress(value): level 9, header mtime = now
	"django_redis.compressors.gzip.GzipCompressor": {name: "gzip", minLength: 15,
		newCompress: func() compressFunc {
			return pooledWriter(func() resettableWriter { w, _ := gzip.NewWriterLevel(nil, 9); return w })
		},
		newDecompress: gzipDecompress},
	// lzma.compress(value, preset=4): the .xz container; lzma.decompress
	// auto-detects .xz and legacy .lzma ("alone") streams.
	"django_redis.compressors.lzma.LzmaCompressor": {name: "lzma", minLength: 100,
		newCompress: func() compressFunc {
			return pooled(func() *bytes.Buffer { return new(bytes.Buffer) }, func(out *bytes.Buffer, b []byte) ([]byte, error) {
				out.Reset()
				w, err := xz.WriterConfig{DictCap: lzmaDictCap(len(b))}.NewWriter(out)
				if err != nil {
					return nil, err
				}
				return finish(out, w, b)
			})
		},
		newDecompress: lzmaDecompress},
	// lz4.frame.compress / decompress (the frame format, not lz4.block)
	"django_redis.compressors.lz4.Lz4Compressor": {name: "lz4", minLength: 15,
		newCompress: lz4Compress, newDecompress: lz4Decompress},
	// pyzstd.compress / decompress (level 3, one zstd frame)
	"django_redis.compressors.zstd.ZStdCompressor": {name: "zstd", minLength: 15,
		newCompress: zstdCompress, newDecompress: zstdDecompress},
}

// lzmaDictCap is the dictionary for a value of n bytes. Python's preset 4
// has 4 MiB, but no match reaches back past the value's start, so one of
// the value's size writes as good a stream; the Go writer allocates its
// dictionary and a hash table of 4 bytes an entry up front (50 MB a call
// with its 8 MiB default), and the reader a dictionary of the size the
// header names.
func lzmaDictCap(n int) int { return min(max(n, lzma.MinDictCap), 4<<20) }

// forOneCodec is the compressor with the state it needs of its own, its
// decompression bounded by max.
func (c compressor) forOneCodec(max int64) compressor {
	if c.newCompress != nil {
		c.compress = c.newCompress()
	}
	if c.newDecompress != nil {
		c.decompress = c.newDecompress(max)
	}
	return c
}

// A zlib or gzip writer allocates its tables (hundreds of KiB) when made;
// Reset reuses them, so each Codec keeps its writers in a pool, each with
// the buffer it writes into.
type resettableWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

func pooledWriter(newWriter func() resettableWriter) compressFunc {
	type state struct {
		w   resettableWriter
		out bytes.Buffer
	}
	return pooled(func() *state { return &state{w: newWriter()} }, func(s *state, b []byte) ([]byte, error) {
		s.out.Reset()
		s.w.Reset(&s.out)
		return finish(&s.out, s.w, b)
	})
}

// pooled makes a compressFunc of run, which compresses into what a state
// owns (a writer and its output buffer): states are pooled, and use reads
// the output in place, so a large value costs at most one allocation of
// its compressed size (Encode's copy), not a buffer grown by doubling.
func pooled[S any](newState func() *S, run func(*S, []byte) ([]byte, error)) compressFunc {
	pool := sync.Pool{New: func() any { return newState() }}
	return func(b []byte, use func([]byte) error) error {
		s := pool.Get().(*S)
		out, err := run(s, b)
		if err != nil {
			return err
		}
		err = use(out)
		if cap(out) <= maxScratch {
			pool.Put(s)
		}
		return err
	}
}

// finish writes b through w into buf and closes w.
func finish(buf *bytes.Buffer, w io.WriteCloser, b []byte) ([]byte, error) {
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// compressValue is b compressed, in bytes of its own, or b itself when
// the compressor leaves it as it is.
func (c compressor) compressValue(b []byte) ([]byte, error) {
	if c.compress == nil || len(b) <= c.minLength {
		return b, nil
	}
	var out []byte
	err := c.compress(b, func(z []byte) error { out = bytes.Clone(z); return nil })
	return out, err
}

// errNotCompressed means django-redis's CompressorError: the caller then
// hands the raw bytes to the serializer, as django-redis does.
var errNotCompressed = errors.New("not compressed")

// decompressValue returns errNotCompressed when the bytes are not this
// compressor's format (or are corrupt), ErrTooLarge past the limit. The
// result is the caller's: b itself for the identity compressor, else bytes
// of its own.
func (c compressor) decompressValue(b []byte) ([]byte, error) {
	if c.decompress == nil {
		return b, nil
	}
	var out []byte
	_, err := c.decompress(b, func(raw []byte, shared bool) (Value, error) {
		out = raw
		if !shared {
			out = bytes.Clone(raw)
		}
		return nil, nil
	})
	return out, err
}

func tooLarge(max int64, name string) error {
	return fmt.Errorf("%w (%d bytes, %s)", ErrTooLarge, max, name)
}
