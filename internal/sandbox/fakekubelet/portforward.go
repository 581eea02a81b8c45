package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"k8s.io/cri-streaming/pkg/streaming/portforward"

	"github.com/ctlops/ctl/internal/sandbox/rules"
)

func (k *kubelet) servePortForward(w http.ResponseWriter, r *http.Request) {
	ns, pod, uid := r.PathValue("ns"), r.PathValue("pod"), r.PathValue("uid")
	opts, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, r, &forwarder{k: k, namespace: ns}, pod, uid, opts, idleTimeout,
		streamCreationTimeout, portforward.SupportedProtocols)
}

type forwarder struct {
	k         *kubelet
	namespace string
}

// PortForward connects one client connection (stream) to the rule's
// target, as the kubelet connects it to the pod's port.
func (f *forwarder) PortForward(ctx context.Context, pod, _ string, port int32, stream io.ReadWriteCloser) error {
	where := fmt.Sprintf("%s/%s:%d", f.namespace, pod, port)
	rs, err := rules.Load(f.k.rulesFile)
	if err != nil {
		log.Printf("port-forward %s: %v", where, err)
		return fmt.Errorf("fakekubelet: rules: %w", err)
	}
	rule, ok := rs.FindPortForward(f.namespace, pod, port)
	if !ok {
		log.Printf("port-forward %s: no rule", where)
		return fmt.Errorf("fakekubelet: no portForward rule matches port %d of pod %s/%s (rules file %s)",
			port, f.namespace, pod, f.k.rulesFile)
	}
	d := net.Dialer{Timeout: 5 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", rule.Target)
	if err != nil {
		log.Printf("port-forward %s -> %s: %v", where, rule.Target, err)
		return fmt.Errorf("failed to connect to port %d of pod %s/%s (%s): %w", port, f.namespace, pod, rule.Target, err)
	}
	defer conn.Close()
	log.Printf("port-forward %s -> %s: connected", where, rule.Target)

	// client -> target; at the client's EOF, half-close toward the target
	go func() {
		io.Copy(conn, stream) //nolint:errcheck,gosec // ends with either side
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.CloseWrite() //nolint:errcheck,gosec
		}
	}()
	// target -> client; done when the target closes
	_, err = io.Copy(stream, conn)
	log.Printf("port-forward %s -> %s: closed", where, rule.Target)
	return err
}
