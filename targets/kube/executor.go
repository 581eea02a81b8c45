package kube

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/portforward"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/client-go/transport/spdy"
	"k8s.io/streaming/pkg/httpstream"
)

// RemoteExecutor runs an exec or attach stream at u (the pods/exec or
// pods/attach URL) until the remote command ends or ctx is cancelled; as
// kubectl's RemoteExecutor, it is the seam tests replace. A non-zero exit
// of the remote command is an error wrapping client-go's
// exec.CodeExitError.
type RemoteExecutor interface {
	Execute(ctx context.Context, cfg *rest.Config, u *url.URL, opts remotecommand.StreamOptions) error
}

// PortForwarder forwards local ports (ports as "local:remote") on
// addresses to the pod at u (the pods/portforward URL). It closes ready
// once listening and blocks until stop is closed or the forward fails.
type PortForwarder interface {
	Forward(cfg *rest.Config, u *url.URL, addresses, ports []string, stop <-chan struct{}, ready chan struct{}) error
}

// DefaultExecutor speaks WebSocket and falls back to SPDY, as kubectl does.
type DefaultExecutor struct{}

// Execute implements RemoteExecutor.
func (DefaultExecutor) Execute(ctx context.Context, cfg *rest.Config, u *url.URL, opts remotecommand.StreamOptions) error {
	ws, err := remotecommand.NewWebSocketExecutor(cfg, http.MethodGet, u.String())
	if err != nil {
		return err
	}
	sp, err := remotecommand.NewSPDYExecutor(cfg, http.MethodPost, u)
	if err != nil {
		return err
	}
	exe, err := remotecommand.NewFallbackExecutor(ws, sp, shouldFallback)
	if err != nil {
		return err
	}
	return exe.StreamWithContext(ctx, opts)
}

// DefaultForwarder speaks WebSocket-tunnelled SPDY and falls back to plain
// SPDY, as kubectl does.
type DefaultForwarder struct{}

// Forward implements PortForwarder.
func (DefaultForwarder) Forward(cfg *rest.Config, u *url.URL, addresses, ports []string, stop <-chan struct{}, ready chan struct{}) error {
	rt, up, err := spdy.RoundTripperFor(cfg)
	if err != nil {
		return err
	}
	dialer := spdy.NewDialerForStreaming(up, &http.Client{Transport: rt}, http.MethodPost, u)
	if ws, err := portforward.NewSPDYOverWebsocketDialerForStreaming(u, cfg); err == nil {
		dialer = portforward.NewFallbackDialerForStreaming(ws, dialer, shouldFallback)
	}
	pf, err := portforward.NewOnAddressesForStreaming(dialer, addresses, ports, stop, ready, io.Discard, io.Discard)
	if err != nil {
		return fmt.Errorf("port-forward: %w", err)
	}
	return pf.ForwardPorts()
}

func shouldFallback(err error) bool {
	return httpstream.IsUpgradeFailure(err) || httpstream.IsHTTPSProxyError(err)
}
