// Command fakekubelet serves the kubelet's streaming API (exec, attach,
// port-forward and containerLogs) for the sandbox's KWOK node, running commands on this host.
//
// KWOK keeps doing node and pod lifecycle; the API server is pointed at this
// server instead of KWOK's because KWOK's exec loses exit codes, never closes
// a process's stdin and gives a TTY that is not the controlling terminal.
// Here the streams are k8s.io/cri-streaming's own ServeExec and
// ServePortForward (what the real kubelet uses), so:
//
//   - a non-zero exit is a k8s.io/utils/exec.CodeExitError: the API server
//     relays NonZeroExitCode and client-go returns exec.CodeExitError{Code};
//     a command killed by signal N exits 128+N;
//   - EOF on the client's stdin closes the process's stdin;
//   - a TTY session gets a new session with the PTY as its controlling
//     terminal (job control, Ctrl-C), follows resizes, and its output is
//     drained before the stream closes.
//
// Which pods map to what comes from a JSON rules file (package
// internal/sandbox/rules), read on every request. The server speaks TLS and
// only accepts clients with a certificate from --client-ca-file: whoever
// reaches it runs commands as this process's user.
//
// usage: fakekubelet --listen 127.0.0.1:PORT --rules FILE --tls-cert-file F
// --tls-private-key-file F --client-ca-file F
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type options struct {
	listen, rulesFile, certFile, keyFile, clientCAFile string
	kubeconfig, nodeName, logDir                       string
}

func main() {
	// Installing handlers for SIGINT and SIGHUP first matters: started as a
	// background job of a non-interactive shell (up.sh, CI), this process
	// inherits SIGINT ignored, and an ignored signal stays ignored across
	// exec. Once Go handles a signal, children start with its default
	// disposition again, so Ctrl-C in an exec'd shell interrupts.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGHUP, syscall.SIGTERM)

	var o options
	flag.StringVar(&o.listen, "listen", "127.0.0.1:10250", "address to serve on (loopback)")
	flag.StringVar(&o.rulesFile, "rules", "", "JSON rules file, read on every request (required)")
	flag.StringVar(&o.certFile, "tls-cert-file", "", "serving certificate (required)")
	flag.StringVar(&o.keyFile, "tls-private-key-file", "", "serving key (required)")
	flag.StringVar(&o.clientCAFile, "client-ca-file", "", "CA that signs the clients' certificates (required)")
	flag.StringVar(&o.kubeconfig, "kubeconfig", "", "API server credentials: with it, the node's pods' containers run by the rules and their logs are served")
	flag.StringVar(&o.nodeName, "node-name", "kwok-node-0", "the node whose pods run here")
	flag.StringVar(&o.logDir, "log-dir", "", "where containers' logs are kept (default: pod-logs beside the rules file)")
	flag.Parse()
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	log.SetPrefix("fakekubelet: ")

	if err := run(o, sigs); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(o options, sigs <-chan os.Signal) error {
	if o.rulesFile == "" || o.certFile == "" || o.keyFile == "" || o.clientCAFile == "" {
		return errors.New("--rules, --tls-cert-file, --tls-private-key-file and --client-ca-file are required")
	}
	host, _, err := net.SplitHostPort(o.listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("--listen %s: only loopback addresses are allowed", o.listen)
	}
	cert, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
	if err != nil {
		return err
	}
	caPEM, err := os.ReadFile(o.clientCAFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return fmt.Errorf("%s: no certificate", o.clientCAFile)
	}

	procs := newProcTable()
	k := &kubelet{rulesFile: o.rulesFile, procs: procs}
	ctx, stopPods := context.WithCancel(context.Background())
	defer stopPods()
	podsDone := make(chan struct{})
	if o.kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
		if err != nil {
			return err
		}
		// A kubelet's status writes are not throttled to client-go's
		// default 5/s: 50 pods starting at once would take 20 s.
		cfg.QPS, cfg.Burst = -1, 0
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			return err
		}
		if o.logDir == "" {
			o.logDir = filepath.Join(filepath.Dir(o.rulesFile), "pod-logs")
		}
		if err := os.MkdirAll(o.logDir, 0o700); err != nil {
			return err
		}
		k.runtime = newRuntime(cs, o.rulesFile, o.logDir, procs)
		go func() { defer close(podsDone); k.runtime.watch(ctx, o.nodeName) }()
		log.Printf("running the containers of node %s's pods, logs in %s", o.nodeName, o.logDir)
	} else {
		close(podsDone)
	}
	srv := &http.Server{
		Handler:           k.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			ClientAuth:   tls.RequireAndVerifyClientCert,
			ClientCAs:    pool,
			MinVersion:   tls.VersionTLS12,
			// SPDY upgrades need HTTP/1.1.
			NextProtos: []string{"http/1.1"},
		},
		ErrorLog: log.Default(),
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	log.Printf("serving on https://%s, rules %s", ln.Addr(), o.rulesFile)

	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		return err
	case s := <-sigs:
		log.Printf("%v: stopping", s)
	}
	// Hijacked exec/port-forward connections are not tracked by Shutdown:
	// end their processes, then stop.
	stopPods()
	procs.killAll()
	select {
	case <-podsDone:
	case <-time.After(2 * time.Second):
	}
	sctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(sctx) //nolint:errcheck,gosec // exiting anyway
	return nil
}

func (k *kubelet) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	// The API server calls /exec/{ns}/{pod}/{container} (older ones with
	// the pod UID before the container), GET or POST, ?command=...&command=...
	mux.HandleFunc("/exec/{ns}/{pod}/{container}", k.serveExec)
	mux.HandleFunc("/exec/{ns}/{pod}/{uid}/{container}", k.serveExec)
	mux.HandleFunc("/attach/{ns}/{pod}/{container}", k.serveAttach)
	mux.HandleFunc("/attach/{ns}/{pod}/{uid}/{container}", k.serveAttach)
	mux.HandleFunc("/portForward/{ns}/{pod}", k.servePortForward)
	mux.HandleFunc("/portForward/{ns}/{pod}/{uid}", k.servePortForward)
	mux.HandleFunc("GET /containerLogs/{ns}/{pod}/{container}", k.serveContainerLogs)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s: not served", r.Method, r.URL.Path)
		http.Error(w, "fakekubelet serves only exec, attach, portForward and containerLogs, not "+r.URL.Path, http.StatusNotFound)
	})
	return mux
}
