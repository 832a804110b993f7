package core

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// tlsConfig builds the client's TLS settings the way redis-py's
// SSLConnection does; nil when ssl is off. ServerName stays empty so that
// each dial checks the name of the node it reaches (cluster nodes differ).
func tlsConfig(o Options) (*tls.Config, error) {
	if !o.SSL {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.SSLMinVersion == "TLSv1_3" {
		cfg.MinVersion = tls.VersionTLS13
	}
	if o.SSLCertfile != "" {
		certPEM, err := readSettingFile("ssl_certfile", o.SSLCertfile)
		if err != nil {
			return nil, err
		}
		keyfile, keyPEM := o.SSLKeyfile, certPEM // redis-py: the key may sit in the certificate file
		if keyfile == "" {
			keyfile = o.SSLCertfile
		} else if keyPEM, err = readSettingFile("ssl_keyfile", keyfile); err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, configErr("ssl_certfile", o.SSLCertfile, "cannot load the certificate and key (ssl_keyfile "+quote(keyfile)+"): "+err.Error())
		}
		cfg.Certificates = []tls.Certificate{pair}
	} else if o.SSLKeyfile != "" {
		return nil, configErr("ssl_keyfile", o.SSLKeyfile, "set without ssl_certfile")
	}
	if o.SSLCACerts != "" {
		pem, err := readSettingFile("ssl_ca_certs", o.SSLCACerts)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, configErr("ssl_ca_certs", o.SSLCACerts, "holds no PEM certificate")
		}
	}
	switch {
	case o.SSLCertReqs == "none":
		cfg.InsecureSkipVerify = true
	case !o.SSLCheckHostname:
		// Go checks the chain and the name together; to check only the chain
		// we skip its check and verify the chain ourselves.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = verifyChainOnly(cfg.RootCAs)
	}
	return cfg, nil
}

func verifyChainOnly(roots *x509.CertPool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		if len(cs.PeerCertificates) == 0 {
			return errors.New("tls: the server sent no certificate")
		}
		intermediates := x509.NewCertPool()
		for _, c := range cs.PeerCertificates[1:] {
			intermediates.AddCert(c)
		}
		_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
			Roots:         roots,
			Intermediates: intermediates,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		})
		if err != nil {
			return fmt.Errorf("tls: %w", err)
		}
		return nil
	}
}

// maxSettingFile bounds a certificate, key or CA file. The Debian CA bundle
// is about 200 KB; anything near this size is a mistake (a disk image, a
// log) that would otherwise be read whole into memory.
const maxSettingFile = 8 << 20

// readSettingFile reads the file a setting names. Only a regular file of at
// most maxSettingFile bytes is read: /dev/zero or /dev/urandom would be read
// until memory runs out, and opening a FIFO would wait for a writer forever.
// The opened file is checked again, so that a file swapped after the first
// check is refused too; O_NONBLOCK makes a FIFO swapped in open at once.
func readSettingFile(setting, path string) ([]byte, error) {
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
		return nil, configErr(setting, path, tooLarge)
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
		return configErr(setting, path, kind+", not a regular file")
	}
	if info.Size() > maxSettingFile {
		return configErr(setting, path, tooLarge)
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
