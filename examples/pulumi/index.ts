import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { app } from '../flagship/main';
import { ModelService } from 'modelship';
import { ModelFleet } from 'modelship/pulumi';
// The flagship fleet, defined once: `cdk8s synth` of examples/flagship and this stack deploy the same objects.

const config = new pulumi.Config();
const context = config.get('kubeContext');

// An explicit provider: every object of the fleet inherits it through `parent`.
const cluster = new k8s.Provider('cluster', { context: context ? context : undefined });

export const fleet = new ModelFleet('llm-prod', { source: app }, { provider: cluster });

/** In-cluster URL of each model (`llm/llama-70b` -> http://llama-70b.llm.svc.cluster.local:8000). */
export const serviceUrls = fleet.serviceUrls;
/** Every Kubernetes object the stack manages. */
export const resources = fleet.resources;
/** GPUs each service can hold at peak (max replicas plus rollout surge): what the cluster must be able to provide. */
export const peakGpus = Object.fromEntries(app.node.findAll()
  .filter((c): c is ModelService => c instanceof ModelService)
  .map(s => [s.name, s.gpusAtPeak]));
