import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';

/**
 * A Deployment whose pod template may carry image volumes (`volumes[].image`, core/v1
 * VolumeSource.image since Kubernetes 1.31, KEP-4639).
 *
 * Why a subclass: cdk8s-plus-28's `k8s` module is generated from the Kubernetes 1.28 API, and its
 * `KubeDeployment.toJson()` re-serialises the resolved object through `toJson_Volume`, which keeps
 * only the volume sources 1.28 knows: an `image` source would silently vanish, leaving a
 * volumeMount without its volume. This class renders exactly as `KubeDeployment` and then puts
 * back each template volume's `image` source from the object's own resolved form (its props, user
 * JSON patches included). Nothing else is touched; a Deployment without image volumes renders
 * byte-identically to `KubeDeployment`.
 */
export class KubeDeploymentWithImageVolumes extends k8s.KubeDeployment {
  public toJson(): any {
    const typed = super.toJson();
    const typedVolumes: any[] | undefined = typed?.spec?.template?.spec?.volumes;
    if (!Array.isArray(typedVolumes)) return typed;
    // The object's own resolved form, before the 1.28 re-serialisation (ApiObject's rendering).
    const raw = ApiObject.prototype.toJson.call(this) as any;
    const rawVolumes: any[] = raw?.spec?.template?.spec?.volumes ?? [];
    const imageSources = new Map<string, unknown>(rawVolumes.filter(v => v && v.image !== undefined).map(v => [v.name, v.image]));
    if (imageSources.size === 0) return typed;
    typed.spec.template.spec.volumes = typedVolumes.map(v => (imageSources.has(v.name) ? { ...v, image: imageSources.get(v.name) } : v));
    return typed;
  }
}
