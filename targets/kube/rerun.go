package kube

// ctl migrate with `migrations: job: NAME`: the chart's own migration
// Job re-run, as ridectl's restart-migrations did: deleted, then created
// again from its spec without what the Job controller added (the
// controller-uid selector and labels), and followed to its end.

import (
	"context"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/targets"
)

// the labels the Job controller puts on a Job's pod template (and its
// generated selector matches).
var controllerLabels = []string{
	"controller-uid", "batch.kubernetes.io/controller-uid", "job-name", JobNameLabel,
}

// RerunnableJob is job as it can be created again: metadata reduced to
// name, namespace, labels and annotations; the generated selector and
// the controller's labels removed; no status.
func RerunnableJob(job *batchv1.Job) *batchv1.Job {
	out := &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: job.Name, Namespace: job.Namespace,
			Labels: copyWithout(job.Labels, controllerLabels), Annotations: copyWithout(job.Annotations, nil)},
		Spec: *job.Spec.DeepCopy(),
	}
	if out.Spec.ManualSelector == nil || !*out.Spec.ManualSelector {
		out.Spec.Selector = nil
	}
	out.Spec.Template.Labels = copyWithout(out.Spec.Template.Labels, controllerLabels)
	return out
}

func copyWithout(m map[string]string, drop []string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	for _, k := range drop {
		delete(out, k)
	}
	return out
}

// RerunJob deletes the Job name, creates it again from its spec and
// follows it to its end (it stays afterwards, as the chart made it).
func (t *Target) RerunJob(ctx context.Context, name string, r targets.RunRequest) (targets.RunResult, error) {
	c := t.conn
	job := &batchv1.Job{}
	actx, cancel := c.APIContext(ctx)
	err := c.Batch.Get().Namespace(t.namespace).Resource("jobs").Name(name).Do(actx).Into(job)
	cancel()
	if apierrors.IsNotFound(err) {
		return targets.RunResult{}, fmt.Errorf("migrations.job: no Job %q in namespace %q (has the chart's migration Job a TTL that removed it?)", name, t.namespace)
	}
	if err != nil {
		return targets.RunResult{}, c.Classify(err, "get", "jobs.batch", t.namespace)
	}
	fresh := RerunnableJob(job)
	if err := t.deleteJob(ctx, name); err != nil {
		return targets.RunResult{}, err
	}
	// The name is free once the old Job is gone.
	for {
		actx, cancel := c.APIContext(ctx)
		err := c.Batch.Get().Namespace(t.namespace).Resource("jobs").Name(name).Do(actx).Into(&batchv1.Job{})
		cancel()
		if apierrors.IsNotFound(err) {
			break
		}
		if !sleepCtx(ctx, 100*time.Millisecond) {
			return targets.RunResult{}, ctx.Err()
		}
	}
	res := targets.RunResult{RunInfo: targets.RunInfo{Name: name}}
	if cs := fresh.Spec.Template.Spec.Containers; len(cs) > 0 {
		res.Image, t.container = cs[0].Image, cs[0].Name
	}
	t.ran = r.Argv
	actx, cancel = c.APIContext(ctx)
	err = c.Batch.Post().Namespace(t.namespace).Resource("jobs").Body(fresh).Do(actx).Into(&batchv1.Job{})
	cancel()
	if err != nil {
		return res, t.classifyCan(ctx, err, "create", "jobs", "batch")
	}
	if r.Started != nil {
		r.Started(res.RunInfo)
	}
	r.TTY, r.Stdin = false, nil
	out, err := t.follow(ctx, name, r)
	out.Image = res.Image
	return out, err
}
