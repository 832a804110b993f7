// Package config reads a Django CACHES entry and resolves it, with no
// network and no Redis client: the entry (Entry, ParseEntry, ExpandEnv),
// the rules of the backend that reads it (Resolve, ResolveWith: Options, in
// redis-py's vocabulary), its keys (MakeKey) and its values' codec
// (EntryCodec). Package core connects with what it resolves, and names all
// of it too; a program that opens a cache needs core only. This package is
// for what builds without go-redis: the WebAssembly module, a tool that
// checks entries.
//
// Every error wraps ErrConfig and names the setting and its value, never a
// password.
package config
