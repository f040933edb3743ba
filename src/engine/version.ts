/** The engine's name and version, as a deployment or a report names it (the version is the package's). */
import { version } from '../../package.json';

export const ENGINE_NAME = 'tidal-engine';
export const ENGINE_VERSION: string = version;
