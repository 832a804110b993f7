package codec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
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
type compressor struct {
	name      string
	minLength int
	compress  func([]byte) ([]byte, error)
	// newCompress, where set, makes compress for one Codec: the writers it
	// reuses belong to that Codec, not to the process.
	newCompress func() func([]byte) ([]byte, error)
	reader      func(io.Reader) (io.Reader, error) // nil: identity
	// check vets headers before reader allocates anything (lzma only).
	check func(b []byte, max int64) error
}

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

var compressors = map[string]compressor{
	"django_redis.compressors.identity.IdentityCompressor": {name: "identity"},
	// zlib.compress(value, 6); zlib.decompress
	"django_redis.compressors.zlib.ZlibCompressor": {name: "zlib", minLength: 15,
		newCompress: func() func([]byte) ([]byte, error) {
			return pooledWriter(func() resettableWriter { w, _ := zlib.NewWriterLevel(nil, 6); return w })
		},
		reader: func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }},
	// gzip.compress(value): level 9, header mtime = now
	"django_redis.compressors.gzip.GzipCompressor": {name: "gzip", minLength: 15,
		newCompress: func() func([]byte) ([]byte, error) {
			return pooledWriter(func() resettableWriter { w, _ := gzip.NewWriterLevel(nil, 9); return w })
		},
		reader: func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	// lzma.compress(value, preset=4): the .xz container; lzma.decompress
	// auto-detects .xz and legacy .lzma ("alone") streams.
	"django_redis.compressors.lzma.LzmaCompressor": {name: "lzma", minLength: 100,
		compress: func(b []byte) ([]byte, error) {
			return writeAll(b, func(w io.Writer) (io.WriteCloser, error) { return xz.NewWriter(w) })
		},
		check: func(b []byte, max int64) error {
			if bytes.HasPrefix(b, xzMagic) {
				return checkXZ(b, max)
			}
			return checkAloneHeader(b, max)
		},
		reader: func(r io.Reader) (io.Reader, error) {
			br := bufioPeek(r)
			if bytes.HasPrefix(br.head, xzMagic) {
				return xz.NewReader(br)
			}
			return lzma.NewReader(br)
		}},
	// lz4.frame.compress / decompress (the frame format, not lz4.block)
	"django_redis.compressors.lz4.Lz4Compressor": {name: "lz4", minLength: 15,
		compress: func(b []byte) ([]byte, error) {
			return writeAll(b, func(w io.Writer) (io.WriteCloser, error) { return lz4.NewWriter(w), nil })
		},
		reader: func(r io.Reader) (io.Reader, error) {
			// lz4.frame.decompress rejects anything that is not a frame;
			// pierrec's reader must be made to check the magic up front.
			br := bufioPeek(r)
			if !bytes.HasPrefix(br.head, []byte{0x04, 0x22, 0x4d, 0x18}) {
				return nil, errors.New("lz4: not a frame")
			}
			return lz4.NewReader(br), nil
		}},
	// pyzstd.compress / decompress (level 3, one zstd frame)
	"django_redis.compressors.zstd.ZStdCompressor": {name: "zstd", minLength: 15,
		// One encoder per Codec: EncodeAll is safe for concurrent use, and
		// building an encoder costs far more than compressing a small value.
		newCompress: func() func([]byte) ([]byte, error) {
			encoder := sync.OnceValues(func() (*zstd.Encoder, error) {
				return zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
			})
			return func(b []byte) ([]byte, error) {
				enc, err := encoder()
				if err != nil {
					return nil, err
				}
				return enc.EncodeAll(b, nil), nil
			}
		},
		reader: func(r io.Reader) (io.Reader, error) {
			d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
			if err != nil {
				return nil, err
			}
			return d.IOReadCloser(), nil
		}},
}

// forOneCodec is the compressor with the state it needs of its own.
func (c compressor) forOneCodec() compressor {
	if c.newCompress != nil {
		c.compress = c.newCompress()
	}
	return c
}

// A zlib or gzip writer allocates its tables (hundreds of KiB) when made;
// Reset reuses them, so each Codec keeps its writers in a pool.
type resettableWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

func pooledWriter(newWriter func() resettableWriter) func([]byte) ([]byte, error) {
	pool := &sync.Pool{New: func() any { return newWriter() }}
	return func(b []byte) ([]byte, error) {
		w := pool.Get().(resettableWriter)
		defer pool.Put(w)
		return writeAll(b, func(out io.Writer) (io.WriteCloser, error) { w.Reset(out); return w, nil })
	}
}

func writeAll(b []byte, open func(io.Writer) (io.WriteCloser, error)) ([]byte, error) {
	var buf bytes.Buffer
	w, err := open(&buf)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type peeked struct {
	io.Reader
	head []byte
}

func bufioPeek(r io.Reader) *peeked {
	head := make([]byte, 6)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	return &peeked{Reader: io.MultiReader(bytes.NewReader(head), r), head: head}
}

func (c compressor) compressValue(b []byte) ([]byte, error) {
	if c.compress == nil || len(b) <= c.minLength {
		return b, nil
	}
	return c.compress(b)
}

// errNotCompressed means django-redis's CompressorError: the caller then
// hands the raw bytes to the serializer, as django-redis does.
var errNotCompressed = errors.New("not compressed")

// decompress returns errNotCompressed when the bytes are not this
// compressor's format (or are corrupt), ErrTooLarge past max.
func (c compressor) decompress(b []byte, max int64) ([]byte, error) {
	if c.reader == nil {
		return b, nil
	}
	if c.check != nil {
		if err := c.check(b, max); err != nil {
			return nil, err
		}
	}
	r, err := c.reader(bytes.NewReader(b))
	if err != nil {
		return nil, errNotCompressed
	}
	if cl, ok := r.(io.Closer); ok {
		defer cl.Close()
	}
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(out)) > max {
		return nil, fmt.Errorf("%w (%d bytes, %s)", ErrTooLarge, max, c.name)
	}
	if err != nil {
		return nil, errNotCompressed
	}
	return out, nil
}
