package kube

// ctl migrate's lock: a coordination.k8s.io Lease in the environment's
// namespace, held (and renewed) by one ctl at a time. Created when free,
// taken over when its holder stopped renewing it, deleted on release.

import (
	"context"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ctlops/ctl/targets"
)

var _ targets.Locker = (*Target)(nil)

// LeaseDuration is how long a lock outlives its last renewal.
const LeaseDuration = 60 * time.Second

// Lock implements targets.Locker.
func (t *Target) Lock(ctx context.Context, name, holder string) (func(), error) {
	c := t.conn
	secs := int32(LeaseDuration / time.Second)
	now := metav1.NewMicroTime(time.Now())
	lease := &coordinationv1.Lease{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: t.namespace, Labels: map[string]string{ManagedByLabel: ManagedByCtl}},
		Spec:       coordinationv1.LeaseSpec{HolderIdentity: &holder, LeaseDurationSeconds: &secs, AcquireTime: &now, RenewTime: &now},
	}
	got := &coordinationv1.Lease{}
	actx, cancel := c.APIContext(ctx)
	err := c.Coordination.Post().Namespace(t.namespace).Resource("leases").Body(lease).Do(actx).Into(got)
	cancel()
	if apierrors.IsAlreadyExists(err) {
		got, err = t.takeOver(ctx, name, holder)
	}
	if err != nil {
		var held *targets.LockHeldError
		if asHeld(err, &held) {
			return nil, err
		}
		return nil, c.Classify(err, "create", "leases.coordination.k8s.io", t.namespace)
	}
	rctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		cur := got
		for {
			select {
			case <-rctx.Done():
				return
			case <-time.After(LeaseDuration / 3):
			}
			renewed := cur.DeepCopy()
			n := metav1.NewMicroTime(time.Now())
			renewed.Spec.RenewTime = &n
			actx, cancel := c.APIContext(rctx)
			out := &coordinationv1.Lease{}
			if err := c.Coordination.Put().Namespace(t.namespace).Resource("leases").Name(name).Body(renewed).Do(actx).Into(out); err == nil {
				cur = out
			}
			cancel()
		}
	}()
	return func() {
		stop()
		<-done
		// Only our own lease: a precondition on its UID.
		actx, cancel := c.APIContext(context.WithoutCancel(ctx))
		defer cancel()
		uid := got.UID
		_ = c.Coordination.Delete().Namespace(t.namespace).Resource("leases").Name(name).
			Body(&metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}}).Do(actx).Error()
	}, nil
}

func asHeld(err error, target **targets.LockHeldError) bool {
	h, ok := err.(*targets.LockHeldError) //nolint:errorlint // returned unwrapped by takeOver
	if ok {
		*target = h
	}
	return ok
}

// takeOver takes an existing lease whose holder stopped renewing it.
func (t *Target) takeOver(ctx context.Context, name, holder string) (*coordinationv1.Lease, error) {
	c := t.conn
	cur := &coordinationv1.Lease{}
	actx, cancel := c.APIContext(ctx)
	err := c.Coordination.Get().Namespace(t.namespace).Resource("leases").Name(name).Do(actx).Into(cur)
	cancel()
	if err != nil {
		return nil, err
	}
	who, since := "", cur.CreationTimestamp.Time
	if cur.Spec.HolderIdentity != nil {
		who = *cur.Spec.HolderIdentity
	}
	if cur.Spec.AcquireTime != nil {
		since = cur.Spec.AcquireTime.Time
	}
	dur := LeaseDuration
	if cur.Spec.LeaseDurationSeconds != nil {
		dur = time.Duration(*cur.Spec.LeaseDurationSeconds) * time.Second
	}
	renewed := since
	if cur.Spec.RenewTime != nil {
		renewed = cur.Spec.RenewTime.Time
	}
	if who != "" && time.Since(renewed) < dur {
		return nil, &targets.LockHeldError{Name: name, Holder: who, Since: since}
	}
	now := metav1.NewMicroTime(time.Now())
	secs := int32(LeaseDuration / time.Second)
	cur.Spec.HolderIdentity, cur.Spec.AcquireTime, cur.Spec.RenewTime, cur.Spec.LeaseDurationSeconds = &holder, &now, &now, &secs
	out := &coordinationv1.Lease{}
	actx, cancel = c.APIContext(ctx)
	defer cancel()
	// The update carries the resourceVersion read: two takers, one wins.
	if err := c.Coordination.Put().Namespace(t.namespace).Resource("leases").Name(name).Body(cur).Do(actx).Into(out); err != nil {
		if apierrors.IsConflict(err) {
			return nil, &targets.LockHeldError{Name: name, Holder: "another ctl (it took the expired lock first)", Since: time.Now()}
		}
		return nil, err
	}
	return out, nil
}
