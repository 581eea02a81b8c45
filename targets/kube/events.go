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
// visible in `kubectl describe pod`: the app pod a session ran in, or the
// database pod dbshell's tunnel reached (the app pod when dbshell reached
// the database directly). Nothing when no session started. RBAC may
// forbid it: best effort.
func (t *Target) RecordEvent(ctx context.Context, ev targets.SessionEvent) error {
	podName, container, note := t.pod, t.container, ""
	if podName == "" && t.dbDirect {
		p, err := t.choosePod(ctx)
		if err != nil {
			return err
		}
		podName, container, note = p.Name, "", " (database reached directly, not through this pod)"
	}
	if podName == "" {
		return nil
	}
	ctx, cancel := t.conn.APIContext(ctx)
	defer cancel()
	pod := &corev1.Pod{}
	if err := t.conn.Core.Get().Namespace(t.namespace).Resource("pods").Name(podName).Do(ctx).Into(pod); err != nil {
		return err
	}
	host, _ := os.Hostname()
	now := metav1.NewTime(time.Now())
	where, fieldPath := "", ""
	if container != "" {
		where, fieldPath = " in container "+container, "spec.containers{"+container+"}"
	}
	command := ev.Command
	if command == "" {
		command = "(tunnel only)"
	}
	msg := fmt.Sprintf("ctl %s by %s@%s%s: %s (exit %d, %s)%s", ev.Verb, ev.User, host, where, command, ev.ExitCode, ev.Duration.Round(time.Millisecond), note)
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	e := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{GenerateName: podName + ".ctl-", Namespace: t.namespace},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", APIVersion: "v1", Namespace: t.namespace, Name: podName, UID: pod.UID,
			FieldPath: fieldPath},
		Reason: "CtlSession", Message: msg, Type: corev1.EventTypeNormal,
		Source:         corev1.EventSource{Component: "ctl", Host: host},
		FirstTimestamp: now, LastTimestamp: now, Count: 1,
		ReportingController: "ctlops.dev/ctl", ReportingInstance: host,
	}
	return t.conn.Core.Post().Namespace(t.namespace).Resource("events").Body(e).Do(ctx).Error()
}
