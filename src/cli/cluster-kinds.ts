/** The job kinds `eggroll worker` serves: every experiment that can run on the cluster. Add a kind here. */
import type { ClusterKind } from '../parallel/cluster/worker.js';
import { rlClusterKind } from '../rl/cluster.js';
import { eggClusterKind } from '../egg/cluster.js';
import { booleanClusterKind } from '../boolean/cluster.js';

export const CLUSTER_KINDS: readonly ClusterKind[] = [rlClusterKind, eggClusterKind, booleanClusterKind];
