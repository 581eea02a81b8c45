package kube

import (
	"context"
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/targets"
)

// RecordEvent creates an Event (reason CtlSession) on the session's pod,
// visible in `kubectl describe pod`. RBAC may forbid it: best effort.
func (t *Target) RecordEvent(ctx context.Context, ev targets.SessionEvent) error {
	if t.pod == "" {
		return nil
	}
	ctx, cancel := t.conn.APIContext(ctx)
	defer cancel()
	pod := &corev1.Pod{}
	if err := t.conn.Core.Get().Namespace(t.namespace).Resource("pods").Name(t.pod).Do(ctx).Into(pod); err != nil {
		return err
	}
	host, _ := os.Hostname()
	now := metav1.NewTime(time.Now())
	msg := fmt.Sprintf("ctl %s by %s@%s in container %s: %s (exit %d, %s)", ev.Verb, ev.User, host, t.container, ev.Command, ev.ExitCode, ev.Duration.Round(time.Millisecond))
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	e := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{GenerateName: t.pod + ".ctl-", Namespace: t.namespace},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: t.namespace, Name: t.pod, UID: pod.UID,
			FieldPath: "spec.containers{" + t.container + "}"},
		Reason: "CtlSession", Message: msg, Type: corev1.EventTypeNormal,
		Source:         corev1.EventSource{Component: "ctl", Host: host},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
		ReportingController: "ctlops.dev/ctl", ReportingInstance: host,
	}
	return t.conn.Core.Post().Namespace(t.namespace).Resource("events").Body(e).Do(ctx).Error()
}
