package config

import (
	"errors"
	"testing"
)

func TestEntryCodecRefusesABadEntry(t *testing.T) {
	e, err := ParseEntry([]byte(`{"LOCATION": "redis://127.0.0.1:1/0", "OPTIONS": {"COMPRESSOR": "no.Such"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := EntryCodec(e); !errors.Is(err, ErrConfig) {
		t.Fatalf("EntryCodec = %v, want ErrConfig", err)
	}
}
