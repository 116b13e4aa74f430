import { toOffer, toRequest, toTransaction } from "../api/normalize";
import { endpoints, queryKeys } from "../api/queries";
import { useOptionalList } from "./useOptionalResource";

export const useRequests = () => useOptionalList(queryKeys.requests, endpoints.requests, toRequest);
export const useOffers = () => useOptionalList(queryKeys.offers, endpoints.offers, toOffer);
export const useTransactions = () => useOptionalList(queryKeys.transactions, endpoints.transactions, toTransaction);
