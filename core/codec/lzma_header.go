package codec

import (
	"encoding/binary"
	"fmt"
)

// The Go LZMA readers allocate the dictionary a header asks for before
// reading any data, so a hostile header is a memory bomb. These checks run
// first: they mirror liblzma's "picky" .lzma header rules (what Python's
// lzma.decompress applies through FORMAT_AUTO, whose failure django-redis
// reads as "stored uncompressed"), then bound the dictionary by max.

// checkAloneHeader vets a legacy .lzma header (props, dict size, size).
func checkAloneHeader(h []byte, max int64) error {
	if len(h) < 13 || h[0] > (4*5+4)*9+8 {
		return errNotCompressed
	}
	lc, lp := h[0]%9, h[0]/9%5
	if lc+lp > 4 {
		return errNotCompressed
	}
	dict := binary.LittleEndian.Uint32(h[1:5])
	if dict != 0xffffffff { // liblzma: 2^n or 2^n + 2^(n-1) only
		d := dict - 1
		d |= d >> 2
		d |= d >> 3
		d |= d >> 4
		d |= d >> 8
		d |= d >> 16
		d++
		if d != dict {
			return errNotCompressed
		}
	}
	if size := binary.LittleEndian.Uint64(h[5:13]); size != ^uint64(0) && size >= 1<<38 {
		return errNotCompressed
	}
	if int64(dict) > max {
		return fmt.Errorf("%w: lzma dictionary of %d bytes", ErrTooLarge, dict)
	}
	return nil
}

// checkXZ bounds the LZMA2 dictionary of every block of every stream:
// ulikunitz/xz allocates whatever each block header declares (its
// ReaderConfig.DictCap is a floor, not a cap). Blocks are found without
// decoding: by the compressed size in the block header or by walking the
// LZMA2 chunk headers, whose sizes are explicit. Anything the walk cannot
// follow is something the reader could not decode either.
func checkXZ(b []byte, max int64) error {
	p := 0
	for p < len(b) {
		if p > 0 && len(b)-p >= 4 && binary.LittleEndian.Uint32(b[p:]) == 0 {
			p += 4 // stream padding
			continue
		}
		if len(b)-p < 12 || string(b[p:p+6]) != string(xzMagic) {
			return errNotCompressed
		}
		check := checkSizes[b[p+7]&0x0f]
		p += 12
		for {
			if p >= len(b) {
				return errNotCompressed
			}
			if b[p] == 0 { // the index, then the 12-byte stream footer
				end, ok := skipXZIndex(b, p)
				if !ok || end+12 > len(b) {
					return errNotCompressed
				}
				p = end + 12
				break
			}
			end, err := checkXZBlock(b, p, check, max)
			if err != nil {
				return err
			}
			p = end
		}
	}
	return nil
}

// checkSizes is the check field's length by the stream's check type.
var checkSizes = [16]int{0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64}

// xzVarint reads an xz multibyte integer at b[p:end].
func xzVarint(b []byte, p, end int) (uint64, int, bool) {
	var v uint64
	for i := 0; i < 9 && p < end; i++ {
		c := b[p]
		p++
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, p, true
		}
	}
	return 0, p, false
}

// checkXZBlock vets the block at b[p:] and returns where it ends.
func checkXZBlock(b []byte, p, check int, max int64) (int, error) {
	size := (int(b[p]) + 1) * 4
	if len(b)-p < size {
		return 0, errNotCompressed
	}
	hdrEnd := p + size - 4 // the header's CRC32 is not read here
	flags := b[p+1]
	q := p + 2
	compressed := int64(-1)
	var ok bool
	var v uint64
	if flags&0x40 != 0 {
		if v, q, ok = xzVarint(b, q, hdrEnd); !ok || v == 0 || v > uint64(len(b)) {
			return 0, errNotCompressed
		}
		compressed = int64(v)
	}
	if flags&0x80 != 0 {
		if _, q, ok = xzVarint(b, q, hdrEnd); !ok {
			return 0, errNotCompressed
		}
	}
	// The Go reader decodes LZMA2 alone: one filter, ID 0x21, 1-byte props.
	id, q, ok1 := xzVarint(b, q, hdrEnd)
	n, q, ok2 := xzVarint(b, q, hdrEnd)
	if flags&3 != 0 || !ok1 || !ok2 || id != 0x21 || n != 1 || q >= hdrEnd {
		return 0, errNotCompressed
	}
	code := b[q]
	if code > 40 {
		return 0, errNotCompressed
	}
	dict := uint64(0xffffffff)
	if code < 40 {
		dict = uint64(2|code&1) << (code/2 + 11)
	}
	if int64(dict) > max {
		return 0, fmt.Errorf("%w: xz dictionary of %d bytes", ErrTooLarge, dict)
	}
	data := p + size
	var end int
	if compressed >= 0 {
		end = data + int(compressed)
	} else if end, ok = skipLZMA2(b, data); !ok {
		return 0, errNotCompressed
	}
	end += (4 - (end-data)%4) % 4 // block padding
	end += check
	if end > len(b) {
		return 0, errNotCompressed
	}
	return end, nil
}

// skipLZMA2 walks LZMA2 chunk headers from p to just past the end marker.
func skipLZMA2(b []byte, p int) (int, bool) {
	for p < len(b) {
		c := b[p]
		switch {
		case c == 0:
			return p + 1, true
		case c == 1 || c == 2: // uncompressed chunk
			if len(b)-p < 3 {
				return 0, false
			}
			p += 3 + int(binary.BigEndian.Uint16(b[p+1:])) + 1
		case c >= 0x80: // LZMA chunk; props byte when state is reset
			h := 5
			if c >= 0xc0 {
				h = 6
			}
			if len(b)-p < h {
				return 0, false
			}
			p += h + int(binary.BigEndian.Uint16(b[p+3:])) + 1
		default:
			return 0, false
		}
	}
	return 0, false
}

// skipXZIndex returns the end of the index at b[p] (indicator 0x00).
func skipXZIndex(b []byte, p int) (int, bool) {
	start := p
	count, p, ok := xzVarint(b, p+1, len(b))
	if !ok || count > uint64(len(b)) {
		return 0, false
	}
	for i := uint64(0); i < 2*count; i++ {
		if _, p, ok = xzVarint(b, p, len(b)); !ok {
			return 0, false
		}
	}
	p += (4 - (p-start)%4) % 4
	return p + 4, p+4 <= len(b)
}
