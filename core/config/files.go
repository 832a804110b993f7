package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxSettingFile bounds a certificate, key or CA file. The Debian CA bundle
// is about 200 KB; anything near this size is a mistake (a disk image, a
// log) that would otherwise be read whole into memory.
const maxSettingFile = 8 << 20

// ReadSettingFile reads the file a setting names (a certificate, key or CA
// file), as Resolve checks it: Resolve refuses a file it would refuse, and
// the connecting side reads the file again with it when it makes a client. Only a regular file of at
// most maxSettingFile bytes is read: /dev/zero or /dev/urandom would be read
// until memory runs out, and opening a FIFO would wait for a writer forever.
// The opened file is checked again, so that a file swapped after the first
// check is refused too; O_NONBLOCK makes a FIFO swapped in open at once.
func ReadSettingFile(setting, path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileErr(setting, path, err)
	}
	if err := checkSettingFile(setting, path, info); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|settingFileFlags, 0)
	if err != nil {
		return nil, fileErr(setting, path, err)
	}
	defer f.Close()
	if info, err = f.Stat(); err != nil {
		return nil, fileErr(setting, path, err)
	}
	if err := checkSettingFile(setting, path, info); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxSettingFile+1))
	if err != nil {
		return nil, fileErr(setting, path, err)
	}
	if len(data) > maxSettingFile { // it grew after the check
		return nil, SettingError(setting, path, tooLarge)
	}
	return data, nil
}

const tooLarge = "larger than 8 MiB: not a certificate, key or CA file"

func checkSettingFile(setting, path string, info fs.FileInfo) error {
	if !info.Mode().IsRegular() {
		kind := "not a regular file"
		switch t := info.Mode().Type(); {
		case t&fs.ModeDir != 0:
			kind = "a directory"
		case t&fs.ModeNamedPipe != 0:
			kind = "a FIFO"
		case t&fs.ModeDevice != 0:
			kind = "a device"
		case t&fs.ModeSocket != 0:
			kind = "a socket"
		}
		return SettingError(setting, path, kind+", not a regular file")
	}
	if info.Size() > maxSettingFile {
		return SettingError(setting, path, tooLarge)
	}
	return nil
}

// fileErr says why a file cannot be read ("no such file or directory",
// "permission denied"), keeping the cause for errors.Is(err, fs.ErrNotExist).
func fileErr(setting, path string, err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err
	}
	return fmt.Errorf("%w: %s = %s: cannot read the file: %w", ErrConfig, setting, quote(path), err)
}
