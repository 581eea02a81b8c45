package kubewatch

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Trim is the informers' transform: it keeps only the fields a status row
// needs (no managed fields, annotations, specs beyond names and images,
// env, volumes...), so 3,000 pods cost a few MB, not a few hundred.
func Trim(obj any) (any, error) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return trimPod(o), nil
	case *appsv1.Deployment:
		return trimDeployment(o), nil
	case *appsv1.StatefulSet:
		return trimStatefulSet(o), nil
	case *batchv1.Job:
		return trimJob(o), nil
	case *corev1.Event:
		return trimEvent(o), nil
	}
	return obj, nil
}

func trimMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion,
		Generation: m.Generation, Labels: m.Labels, CreationTimestamp: m.CreationTimestamp,
		DeletionTimestamp: m.DeletionTimestamp,
	}
	for _, r := range m.OwnerReferences {
		out.OwnerReferences = append(out.OwnerReferences, metav1.OwnerReference{Kind: r.Kind, Name: r.Name})
	}
	return out
}

func trimContainers(cs []corev1.Container) []corev1.Container {
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = corev1.Container{Name: c.Name, Image: c.Image}
	}
	return out
}

func trimPod(p *corev1.Pod) *corev1.Pod {
	out := &corev1.Pod{ObjectMeta: trimMeta(p.ObjectMeta)}
	out.Spec.NodeName = p.Spec.NodeName
	out.Spec.Containers = trimContainers(p.Spec.Containers)
	out.Status.Phase = p.Status.Phase
	out.Status.Reason = p.Status.Reason
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			out.Status.Conditions = []corev1.PodCondition{{Type: c.Type, Status: c.Status}}
		}
	}
	for _, cs := range p.Status.ContainerStatuses {
		t := corev1.ContainerStatus{Name: cs.Name, Ready: cs.Ready, RestartCount: cs.RestartCount}
		if w := cs.State.Waiting; w != nil {
			t.State.Waiting = &corev1.ContainerStateWaiting{Reason: w.Reason}
		}
		if x := cs.State.Terminated; x != nil {
			t.State.Terminated = &corev1.ContainerStateTerminated{Reason: x.Reason, ExitCode: x.ExitCode}
		}
		if x := cs.LastTerminationState.Terminated; x != nil {
			t.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{Reason: x.Reason, ExitCode: x.ExitCode, FinishedAt: x.FinishedAt}
		}
		out.Status.ContainerStatuses = append(out.Status.ContainerStatuses, t)
	}
	return out
}

func trimDeployment(d *appsv1.Deployment) *appsv1.Deployment {
	out := &appsv1.Deployment{ObjectMeta: trimMeta(d.ObjectMeta)}
	out.Spec.Replicas = d.Spec.Replicas
	out.Spec.Template.Labels = d.Spec.Template.Labels
	out.Spec.Template.Spec.Containers = trimContainers(d.Spec.Template.Spec.Containers)
	s := d.Status
	out.Status = appsv1.DeploymentStatus{ObservedGeneration: s.ObservedGeneration, Replicas: s.Replicas,
		UpdatedReplicas: s.UpdatedReplicas, ReadyReplicas: s.ReadyReplicas, AvailableReplicas: s.AvailableReplicas}
	for _, c := range s.Conditions {
		if c.Type == appsv1.DeploymentProgressing {
			out.Status.Conditions = []appsv1.DeploymentCondition{{Type: c.Type, Status: c.Status, Reason: c.Reason, LastUpdateTime: c.LastUpdateTime}}
		}
	}
	return out
}

func trimStatefulSet(d *appsv1.StatefulSet) *appsv1.StatefulSet {
	out := &appsv1.StatefulSet{ObjectMeta: trimMeta(d.ObjectMeta)}
	out.Spec.Replicas = d.Spec.Replicas
	out.Spec.Template.Labels = d.Spec.Template.Labels
	out.Spec.Template.Spec.Containers = trimContainers(d.Spec.Template.Spec.Containers)
	s := d.Status
	out.Status = appsv1.StatefulSetStatus{ObservedGeneration: s.ObservedGeneration, Replicas: s.Replicas,
		UpdatedReplicas: s.UpdatedReplicas, ReadyReplicas: s.ReadyReplicas, CurrentRevision: s.CurrentRevision, UpdateRevision: s.UpdateRevision}
	return out
}

func trimJob(j *batchv1.Job) *batchv1.Job {
	out := &batchv1.Job{ObjectMeta: trimMeta(j.ObjectMeta)}
	s := j.Status
	out.Status = batchv1.JobStatus{Active: s.Active, Succeeded: s.Succeeded, Failed: s.Failed, StartTime: s.StartTime, CompletionTime: s.CompletionTime}
	for _, c := range s.Conditions {
		if c.Status == corev1.ConditionTrue {
			out.Status.Conditions = append(out.Status.Conditions, batchv1.JobCondition{Type: c.Type, Status: c.Status, Reason: c.Reason, LastTransitionTime: c.LastTransitionTime})
		}
	}
	return out
}

func trimEvent(e *corev1.Event) *corev1.Event {
	msg := e.Message
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return &corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: e.Name, Namespace: e.Namespace, UID: e.UID, ResourceVersion: e.ResourceVersion, CreationTimestamp: e.CreationTimestamp},
		InvolvedObject: corev1.ObjectReference{Kind: e.InvolvedObject.Kind, Name: e.InvolvedObject.Name},
		Reason:         e.Reason, Message: msg, Type: e.Type, Count: e.Count,
		FirstTimestamp: e.FirstTimestamp, LastTimestamp: e.LastTimestamp, EventTime: e.EventTime,
	}
}
