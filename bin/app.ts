import { App } from 'aws-cdk-lib';
import { addDistrictPayouts } from '../lib/app.js';

const app = new App();
addDistrictPayouts(app);
app.synth();
