/** `npx cdk synth|deploy`: cdk.json runs this file through tsx. */
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';
import { configFromContext } from './config.ts';

// Context (cdk.json, -c) is read before the real app exists, from a throwaway App that parses it.
const context = new App({ autoSynth: false });
const config = configFromContext((key) => context.node.tryGetContext(key));
buildApp(config, { nag: true }).app.synth();
