//go:build !unix

package config

// settingFileFlags: WASI (GOOS=wasip1) has neither FIFOs nor terminals to
// guard against, and its syscall package names no such flags.
const settingFileFlags = 0
