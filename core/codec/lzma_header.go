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

// checkXZFirstBlock bounds the LZMA2 dictionary of the first block of an
// .xz stream (stream header: 12 bytes, then the block header).
func checkXZFirstBlock(b []byte, max int64) error {
	if len(b) < 14 {
		return nil // let the reader report the truncation
	}
	hdr := b[12:]
	size := (int(hdr[0]) + 1) * 4
	if hdr[0] == 0 || len(hdr) < size {
		return nil
	}
	flags := hdr[1]
	p := 2
	varint := func() uint64 {
		var v uint64
		for i := 0; p < size && i < 9; i++ {
			c := hdr[p]
			p++
			v |= uint64(c&0x7f) << (7 * i)
			if c&0x80 == 0 {
				break
			}
		}
		return v
	}
	if flags&0x40 != 0 {
		varint()
	}
	if flags&0x80 != 0 {
		varint()
	}
	for f := 0; f <= int(flags&3) && p < size; f++ {
		id, n := varint(), varint()
		if id == 0x21 && n == 1 && p < size {
			code := hdr[p]
			if code > 40 {
				return errNotCompressed
			}
			dict := uint64(0xffffffff)
			if code < 40 {
				dict = uint64(2|code&1) << (code/2 + 11)
			}
			if int64(dict) > max {
				return fmt.Errorf("%w: xz dictionary of %d bytes", ErrTooLarge, dict)
			}
		}
		p += int(n)
	}
	return nil
}
