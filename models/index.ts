import { Client } from './Client';
import { Collaborator } from './Collaborator';
import { Contract } from './Contract';
import { Event } from './Event';

export { Client, Collaborator, Contract, Event };
export const MODELS = [Collaborator, Client, Contract, Event];
