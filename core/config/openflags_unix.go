//go:build unix

package config

import "syscall"

// settingFileFlags: O_NONBLOCK makes a FIFO swapped in for a certificate
// file open at once instead of waiting for a writer; O_NOCTTY keeps a
// terminal named by mistake from becoming ours.
const settingFileFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY
