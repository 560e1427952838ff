import { Client } from './Client';
import { ClientContact } from './ClientContact';
import { Collaborator } from './Collaborator';
import { Contract } from './Contract';
import { Event } from './Event';
import { Session } from './Session';

export { Client, ClientContact, Collaborator, Contract, Event, Session };
export const MODELS = [Collaborator, Client, Contract, Event, Session, ClientContact];
