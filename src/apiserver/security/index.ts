export { ensureClusterCredentials, loadClusterCredentials, CREDENTIAL_FILES, ADMIN_USER, type ClusterCredentials } from './cluster-credentials.js';
export { renderKubeconfig, writeKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
export { TokenAuthenticator, AUTHENTICATED_GROUP } from './authenticator.js';
export { authorize, forbiddenMessage, ADMIN_GROUP, READ_ONLY_GROUP, type RequestAttributes, type Decision } from './authorizer.js';
export { parseTokenFile, formatTokenEntry, type TokenEntry, type UserInfo } from './token-file.js';
export { createCertificateAuthority, createServingCertificate, describeCertificate, DEFAULT_SERVING_HOSTS, type KeyAndCertificate } from './certificates.js';
export { SecurityError, type SecurityErrorCode } from './errors.js';
