import { Client, salesContactNamed } from './Client';
import { ClientContact } from './ClientContact';
import { Collaborator } from './Collaborator';
import { Contract } from './Contract';
import { Event } from './Event';

export { Client, ClientContact, Collaborator, Contract, Event, salesContactNamed };
export const MODELS = [Collaborator, Client, Contract, Event, ClientContact];
