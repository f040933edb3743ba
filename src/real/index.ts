/**
 * Real-process mode (issue 15): the `Cluster` of the steps over real `tidal-node` processes,
 * etcd, iptables and libfaketime. The steps' World loads this module only in real mode
 * (`require('../../src/real').buildProcessCluster`), so a simulator run never loads it.
 */
export { buildProcessCluster, HEAL_CONVERGENCE_TIMEOUT_MS, ProcessCluster } from './process-cluster';
export { NotInRealModeError, PrerequisiteError, ProtocolError, RealTimeoutError } from './errors';
export { sharedEtcd, stopSharedEtcd } from './etcd-server';
export { INSTALL_HINT, missingPrerequisites } from './prerequisites';
