package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// README's operators block runs as written, line after line, against a
// standalone server; every command of the program is in it, and so is every
// exit code.
func TestReadmeOperatorsBlock(t *testing.T) {
	text, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	section := string(text)
	_, section, ok := strings.Cut(section, "## For operators: the redisclient command\n")
	require.True(t, ok, "README.md: no operators section")
	section, _, _ = strings.Cut(section, "\n## ")
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, block, "README.md: no sh block in the operators section")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cache.json"), []byte(standaloneEntry(t, "cli-readme-"+filepath.Base(dir))), 0o600))
	path := filepath.Dir(binary) + string(os.PathListSeparator) + os.Getenv("PATH")
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(block[1]), "\n") {
		f := strings.Fields(line)
		require.GreaterOrEqual(t, len(f), 4, line)
		seen[f[3]] = true
		want := exitOK
		if strings.TrimSpace(strings.SplitN(line, "#", 2)[0]) == "redisclient --entry cache.json clear" {
			want = exitDeclined // no terminal here to ask on
		}
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "PATH="+path)
		out, err := cmd.CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		require.Equal(t, want, code, "%s\n%s", line, out)
	}
	for name := range commands {
		require.True(t, seen[name], "README's operators block has no %s", name)
	}
	prose := strings.Join(strings.Fields(section), " ")
	for _, code := range []string{"0 done", "1 a connection", "2 a bad command", "3 degraded", "4 failed", "5 no such key", "6 not confirmed"} {
		require.Contains(t, prose, code)
	}
}
