package core

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
		keyfile := o.SSLKeyfile
		if keyfile == "" {
			keyfile = o.SSLCertfile // redis-py: the key may sit in the certificate file
		}
		pair, err := tls.LoadX509KeyPair(o.SSLCertfile, keyfile)
		if err != nil {
			return nil, configErr("ssl_certfile", o.SSLCertfile, "cannot load the certificate and key (ssl_keyfile "+quote(keyfile)+"): "+err.Error())
		}
		cfg.Certificates = []tls.Certificate{pair}
	} else if o.SSLKeyfile != "" {
		return nil, configErr("ssl_keyfile", o.SSLKeyfile, "set without ssl_certfile")
	}
	if o.SSLCACerts != "" {
		pem, err := os.ReadFile(o.SSLCACerts)
		if err != nil {
			return nil, configErr("ssl_ca_certs", o.SSLCACerts, "cannot read the file")
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
