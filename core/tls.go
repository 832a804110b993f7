package core

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/redisclient/redisclient/core/config"
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
		certPEM, err := config.ReadSettingFile("ssl_certfile", o.SSLCertfile)
		if err != nil {
			return nil, err
		}
		keyfile, keyPEM := o.SSLKeyfile, certPEM // redis-py: the key may sit in the certificate file
		if keyfile == "" {
			keyfile = o.SSLCertfile
		} else if keyPEM, err = config.ReadSettingFile("ssl_keyfile", keyfile); err != nil {
			return nil, err
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, config.SettingError("ssl_certfile", o.SSLCertfile, "cannot load the certificate and key (ssl_keyfile "+fmt.Sprintf("%q", keyfile)+"): "+err.Error())
		}
		cfg.Certificates = []tls.Certificate{pair}
	} else if o.SSLKeyfile != "" {
		return nil, config.SettingError("ssl_keyfile", o.SSLKeyfile, "set without ssl_certfile")
	}
	if o.SSLCACerts != "" {
		pem, err := config.ReadSettingFile("ssl_ca_certs", o.SSLCACerts)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, config.SettingError("ssl_ca_certs", o.SSLCACerts, "holds no PEM certificate")
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
